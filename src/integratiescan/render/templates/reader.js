/* integratiescan reader: the behaviour a Quarto HTML reader expects, plus the audit at the
   number. Everything here is an enhancement: without JavaScript every reference, citation
   and number is still a plain link to its target.

   - contents: beside the text on wide screens (CSS), folded behind a button on narrow ones;
     the section being read is marked (aria-current) in the contents
   - heading anchor links
   - previews on hover and keyboard focus: cross-references (figure, table, section),
     citations (the full reference), footnotes, and inline numbers (the indicator's audit
     data from the embedded JSON of published rows); one role=tooltip element, referenced
     by aria-describedby from the link it describes; Escape closes it
*/
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");
  var lang = (root.getAttribute("lang") || "en").slice(0, 2);
  var LABELS = {
    nl: {
      anchor: "Link naar dit onderdeel",
      indicator: "Indicator",
      definition: "Definitie",
      value: "Waarde",
      n: "n",
      ci: "95%-betrouwbaarheidsinterval",
      fraction: "Teller / noemer",
      sources: "Brontabellen",
      method: "Methode",
      previous: "Vorige editie",
      revised: "Eerder gepubliceerd",
      version: "versie",
      suppressed: "Niet gepubliceerd (te kleine aantallen)",
      row: "Rij in de verantwoording",
    },
    en: {
      anchor: "Link to this section",
      indicator: "Indicator",
      definition: "Definition",
      value: "Value",
      n: "n",
      ci: "95% confidence interval",
      fraction: "Numerator / denominator",
      sources: "Source tables",
      method: "Method",
      previous: "Previous edition",
      revised: "Published before",
      version: "version",
      suppressed: "Not published (small numbers)",
      row: "Row in the appendix",
    },
  };
  var L = LABELS[lang] || LABELS.en;

  function byId(id) {
    try {
      return doc.getElementById(decodeURIComponent(id));
    } catch (e) {
      return null;
    }
  }

  /* ------------------------------------------------------------ contents */
  var toc = doc.getElementById("TOC");
  var toggle = doc.querySelector(".toc-toggle");
  if (toc && toggle) {
    toc.classList.add("folded");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      toc.classList.toggle("folded", open);
      if (!open) {
        var first = toc.querySelector("a");
        if (first) first.focus();
      }
    });
    toc.addEventListener("click", function (ev) {
      // on a narrow screen, following a contents link folds the contents again
      if (ev.target.closest("a") && getComputedStyle(toggle).display !== "none") {
        toggle.setAttribute("aria-expanded", "false");
        toc.classList.add("folded");
      }
    });
  }
  if (toc && "IntersectionObserver" in window) {
    var links = {};
    toc.querySelectorAll("a[href^='#']").forEach(function (a) {
      links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
    });
    var sections = Array.prototype.filter.call(
      doc.querySelectorAll("main section[id]"),
      function (s) { return links[s.id]; }
    );
    var current = null;
    var mark = function () {
      // the last section whose heading has scrolled past the upper fifth of the window
      var line = window.innerHeight * 0.2;
      var found = sections[0];
      for (var i = 0; i < sections.length; i++) {
        if (sections[i].getBoundingClientRect().top <= line) found = sections[i];
      }
      var link = found ? links[found.id] : null;
      if (link === current) return;
      if (current) current.removeAttribute("aria-current");
      current = link;
      if (link) {
        link.setAttribute("aria-current", "true");
        var box = toc.getBoundingClientRect();
        var r = link.getBoundingClientRect();
        if (toc.scrollHeight > toc.clientHeight && (r.top < box.top || r.bottom > box.bottom)) {
          toc.scrollTop += r.top - box.top - box.height / 3;
        }
      }
    };
    var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -80% 0px" });
    sections.forEach(function (s) { observer.observe(s); });
    window.addEventListener("scroll", function () { window.requestAnimationFrame(mark); }, { passive: true });
    mark();
  }

  /* ------------------------------------------------------------ heading anchors */
  doc.querySelectorAll("main section[id] > :is(h1, h2, h3, h4, h5, h6)").forEach(function (h) {
    var a = doc.createElement("a");
    a.className = "anchor";
    a.href = "#" + h.parentElement.id;
    a.setAttribute("aria-label", L.anchor + ": " + h.textContent.trim());
    a.textContent = "#";
    h.appendChild(a);
  });

  /* ------------------------------------------------------------ audit data */
  var audit = {};
  var data = doc.getElementById("integratiescan-audit");
  if (data) {
    try {
      JSON.parse(data.textContent).indicators.forEach(function (row) {
        audit[row.id] = row;
      });
    } catch (e) {
      audit = {};
    }
  }

  /* ------------------------------------------------------------ previews */
  var pop = doc.createElement("div");
  pop.id = "integratiescan-preview";
  pop.className = "popover";
  pop.setAttribute("role", "tooltip");
  pop.hidden = true;
  doc.body.appendChild(pop);
  var owner = null;
  var hideTimer = null;

  function strip(node) {
    // a copy must not repeat ids, focus stops or landmarks of the original
    node.removeAttribute("id");
    node.removeAttribute("role");
    node.removeAttribute("tabindex");
    node.querySelectorAll("[id], [tabindex], [role='region']").forEach(function (el) {
      el.removeAttribute("id");
      el.removeAttribute("tabindex");
      if (el.getAttribute("role") === "region") el.removeAttribute("role");
    });
    node.querySelectorAll("a[href]").forEach(function (a) { a.setAttribute("tabindex", "-1"); });
    node.querySelectorAll(".anchor, .footnote-back").forEach(function (a) { a.remove(); });
    return node;
  }

  function copyOf(el) {
    return strip(el.cloneNode(true));
  }

  function crossref(target) {
    var box = doc.createElement("div");
    if (target.tagName === "FIGURE") {
      box.appendChild(copyOf(target));
    } else if (target.tagName === "TABLE") {
      box.appendChild(copyOf(target));
    } else if (target.tagName === "SECTION") {
      var heading = target.querySelector("h1, h2, h3, h4, h5, h6");
      var para = target.querySelector(":scope > p");
      if (heading) box.appendChild(copyOf(heading));
      if (para) box.appendChild(copyOf(para));
    } else {
      box.appendChild(copyOf(target));
    }
    return box;
  }

  function footnote(target) {
    var box = doc.createElement("div");
    Array.prototype.forEach.call(target.childNodes, function (n) {
      box.appendChild(n.nodeType === 1 ? copyOf(n) : n.cloneNode(true));
    });
    return box;
  }

  function row(dl, label, value) {
    if (value === null || value === undefined || value === "") return;
    var dt = doc.createElement("dt");
    dt.textContent = label;
    var dd = doc.createElement("dd");
    dd.textContent = value;
    dl.appendChild(dt);
    dl.appendChild(dd);
  }

  function auditBox(id, link) {
    var rec = audit[id];
    if (!rec) return null;
    var box = doc.createElement("div");
    var head = doc.createElement("p");
    head.className = "audit-head";
    head.textContent = L.indicator + " " + id;
    box.appendChild(head);
    var dl = doc.createElement("dl");
    if (rec.suppressed) {
      row(dl, L.value, L.suppressed);
    } else {
      row(dl, L.value, link.textContent.trim());
    }
    row(dl, L.definition, rec.definition);
    if (!rec.suppressed) {
      row(dl, L.n, rec.n);
      if (rec.ci) row(dl, L.ci, rec.ci);
      if (rec.fraction) row(dl, L.fraction, rec.fraction);
      row(dl, L.previous, rec.previous);
      if (rec.revised) {
        row(dl, L.revised, rec.revised.value + " (" + L.version + " " + rec.revised.version + ")");
      }
    }
    row(dl, L.method, rec.method);
    row(dl, L.sources, rec.sources);
    box.appendChild(dl);
    return box;
  }

  function contentFor(a) {
    var href = a.getAttribute("href") || "";
    if (href.charAt(0) !== "#" || href.length < 2) return null;
    var id = decodeURIComponent(href.slice(1));
    if (id.indexOf("ind-") === 0) return auditBox(id.slice(4), a);
    var target = byId(id);
    if (!target || target.closest("nav")) return null;
    if (id.indexOf("ref-") === 0) return copyOf(target);
    if (a.classList.contains("footnote-ref") || target.closest(".footnotes")) return footnote(target);
    if (/^(fig|tbl|sec)-/.test(id)) return crossref(target);
    return null;
  }

  function place(a) {
    var r = a.getBoundingClientRect();
    var width = pop.offsetWidth;
    var left = Math.min(window.scrollX + r.left, window.scrollX + root.clientWidth - width - 8);
    left = Math.max(window.scrollX + 8, left);
    var below = r.bottom + 6;
    var top = window.scrollY + below;
    if (below + pop.offsetHeight > window.innerHeight && r.top - pop.offsetHeight - 6 > 0) {
      top = window.scrollY + r.top - pop.offsetHeight - 6;
    }
    pop.style.left = left + "px";
    pop.style.top = top + "px";
  }

  function show(a) {
    if (hideTimer) {
      clearTimeout(hideTimer);
      hideTimer = null;
    }
    if (owner === a && !pop.hidden) return;
    var content = contentFor(a);
    if (!content) return;
    hide();
    pop.replaceChildren(content);
    pop.hidden = false;
    owner = a;
    a.setAttribute("aria-describedby", pop.id);
    place(a);
  }

  function hide() {
    if (hideTimer) {
      clearTimeout(hideTimer);
      hideTimer = null;
    }
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
    pop.hidden = true;
    pop.replaceChildren();
  }

  function hideSoon() {
    if (hideTimer) clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  }

  var main = doc.querySelector("main") || doc.body;
  main.querySelectorAll("a[href^='#ind-']").forEach(function (a) {
    if (audit[decodeURIComponent(a.getAttribute("href").slice(5))]) a.classList.add("audited");
  });
  function trigger(ev) {
    var a = ev.target.closest && ev.target.closest("a[href^='#']");
    return a && main.contains(a) && !a.classList.contains("anchor") ? a : null;
  }
  main.addEventListener("mouseover", function (ev) {
    var a = trigger(ev);
    if (a) show(a);
  });
  main.addEventListener("mouseout", function (ev) {
    var a = trigger(ev);
    if (a && a === owner && !a.contains(ev.relatedTarget)) hideSoon();
  });
  main.addEventListener("focusin", function (ev) {
    var a = trigger(ev);
    if (a) show(a);
  });
  main.addEventListener("focusout", function (ev) {
    if (trigger(ev) === owner) hide();
  });
  // the pointer may move onto the preview without it closing (WCAG 1.4.13)
  pop.addEventListener("mouseover", function () {
    if (hideTimer) {
      clearTimeout(hideTimer);
      hideTimer = null;
    }
  });
  pop.addEventListener("mouseleave", hideSoon);
  doc.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !pop.hidden) hide();
  });
  window.addEventListener("resize", function () {
    if (owner) place(owner);
  });
})();
