--[[
integratiescan embedded renderer: the subset of Quarto's Lua filters we support.

Passes (in order): HTML tables -> Pandoc tables, figure/table divs and cell options,
numbering of figures/tables/sections in document order, cross-references (@fig-/@tbl-/
@sec-/@eq-) resolved before citeproc, callouts, shortcodes, then format specifics.
({{< meta >}} is expanded in the markdown before pandoc, see embedded.py.)
Warnings are written to stderr with the prefix "[integratiescan] WARNING: ".
]]

local IS_TYPST = FORMAT:match("typst") ~= nil
local IS_HTML = FORMAT:match("html") ~= nil
local NBSP = "\u{00A0}"

local LANGUAGES = {
  nl = {
    fig = "Figuur", tbl = "Tabel", sec = "Paragraaf", eq = "Vergelijking",
    note = "Opmerking", tip = "Tip", warning = "Waarschuwing", important = "Belangrijk",
    caution = "Opgelet",
  },
  en = {
    fig = "Figure", tbl = "Table", sec = "Section", eq = "Equation",
    note = "Note", tip = "Tip", warning = "Warning", important = "Important",
    caution = "Caution",
  },
}

local titles = LANGUAGES.en
local prefixes = {}
local title_delim = ":"
local number_sections = false

local function warn(msg)
  io.stderr:write("[integratiescan] WARNING: " .. msg .. "\n")
end

local function meta_string(value)
  if value == nil then return nil end
  if type(value) == "string" or type(value) == "boolean" or type(value) == "number" then
    return tostring(value)
  end
  return pandoc.utils.stringify(value)
end

local function starts_with(s, prefix)
  return s:sub(1, #prefix) == prefix
end

-- ---------------------------------------------------------------- pass 0: options
local read_meta = {
  Meta = function(meta)
    local lang = meta_string(meta.lang) or "en"
    local base = lang:match("^(%a+)") or "en"
    titles = {}
    for k, v in pairs(LANGUAGES[base] or LANGUAGES.en) do titles[k] = v end
    if type(meta.language) == "table" then
      for _, key in ipairs({ "fig", "tbl", "sec", "eq" }) do
        local v = meta_string(meta.language["crossref-" .. key .. "-title"])
        if v then titles[key] = v end
      end
      for _, key in ipairs({ "note", "tip", "warning", "important", "caution" }) do
        local v = meta_string(meta.language["callout-" .. key .. "-title"])
        if v then titles[key] = v end
      end
    end
    if type(meta.crossref) == "table" then
      for _, key in ipairs({ "fig", "tbl", "sec", "eq" }) do
        local t = meta_string(meta.crossref[key .. "-title"])
        if t then titles[key] = t end
        local p = meta_string(meta.crossref[key .. "-prefix"])
        if p then prefixes[key] = p end
      end
      title_delim = meta_string(meta.crossref["title-delim"]) or title_delim
    end
    number_sections = meta["number-sections"] == true
      or meta_string(meta["number-sections"]) == "true"
  end,
}

-- ---------------------------------------------------------------- pass 1: raw html tables, alt text
local function clean_rows(rows)
  for _, row in ipairs(rows) do
    row.attr = pandoc.Attr()
    for _, cell in ipairs(row.cells) do cell.attr = pandoc.Attr() end
  end
end

local function clean_table(t)
  -- pandas Styler writes random ids (T_<uuid>_...); drop all row/cell attributes
  t.attr = pandoc.Attr()
  clean_rows(t.head.rows)
  for _, body in ipairs(t.bodies) do
    clean_rows(body.head)
    clean_rows(body.body)
  end
  clean_rows(t.foot.rows)
  return t
end

local function html_tables(el)
  if el.format == "html" and el.text:find("<table", 1, true) then
    local ok, doc = pcall(pandoc.read, el.text, "html")
    if ok then
      local blocks = pandoc.Blocks({})
      doc.blocks:walk({
        Table = function(t) blocks:insert(clean_table(t)) end,
      })
      if #blocks > 0 then return blocks end
    end
  end
  return nil
end

local function image_alt(img)
  local alt = img.attributes["fig-alt"]
  if alt ~= nil then
    img.attributes["fig-alt"] = nil
    img.caption = pandoc.Inlines({ pandoc.Str(alt) })
    return img
  end
  return nil
end

local pass_raw = { RawBlock = html_tables, Image = image_alt }

-- ---------------------------------------------------------------- pass 2: figure and table divs
local function first_table(blocks)
  local found = nil
  pandoc.Blocks(blocks):walk({
    Table = function(t)
      if found == nil then found = t end
    end,
  })
  return found
end

local function parse_inlines(text)
  local blocks = pandoc.read(text, "markdown").blocks
  return pandoc.utils.blocks_to_inlines(blocks)
end

local pass_divs = {
  Div = function(div)
    local id = div.identifier or ""
    if starts_with(id, "fig-") and #div.content >= 2 then
      local last = div.content[#div.content]
      if last.t == "Para" or last.t == "Plain" then
        local content = pandoc.Blocks({})
        for i = 1, #div.content - 1 do content:insert(div.content[i]) end
        return pandoc.Figure(content, { long = { pandoc.Plain(last.content) } },
          pandoc.Attr(id, {}, {}))
      end
    end
    local cap = div.attributes["tbl-cap"]
    if starts_with(id, "tbl-") or cap ~= nil then
      local tbl = first_table(div.content)
      if tbl ~= nil then
        local inner_id = nil
        local inner_cap = nil
        if starts_with(id, "tbl-") then
          inner_id = id
          div.identifier = ""
        end
        if cap ~= nil then inner_cap = parse_inlines(cap) end
        div.attributes["tbl-cap"] = nil
        div.content = div.content:walk({
          Table = function(t)
            if t == tbl or (inner_id ~= nil and t.identifier == "") then
              if inner_id then t.identifier = inner_id; inner_id = nil end
              if inner_cap then
                t.caption = { long = { pandoc.Plain(inner_cap) } }
                inner_cap = nil
              end
              return t
            end
          end,
        })
        return div
      end
    end
    return nil
  end,
}

-- ---------------------------------------------------------------- pass 3: numbering
local numbers = { fig = {}, tbl = {}, sec = {}, eq = {} }
local counters = { fig = 0, tbl = 0, eq = 0 }
local section_counter = { 0, 0, 0, 0, 0, 0 }
local min_level = 6

local function caption_prefix(kind, n)
  return pandoc.Inlines({
    pandoc.Str(titles[kind] .. NBSP .. n .. title_delim), pandoc.Space(),
  })
end

local function prefix_caption(caption, kind, n)
  local long = caption.long or pandoc.Blocks({})
  if #long == 0 then
    long = pandoc.Blocks({ pandoc.Plain(caption_prefix(kind, n)) })
    -- drop the trailing delimiter when there is no caption text
    long[1].content = pandoc.Inlines({ pandoc.Str(titles[kind] .. NBSP .. n) })
  else
    local first = long[1]
    if first.t == "Plain" or first.t == "Para" then
      local inl = caption_prefix(kind, n)
      inl:extend(first.content)
      first.content = inl
      long[1] = first
    else
      long:insert(1, pandoc.Plain(caption_prefix(kind, n)))
    end
  end
  caption.long = long
  return caption
end

local scan_levels = {
  Header = function(h)
    if h.level < min_level then min_level = h.level end
  end,
}

local pass_number = {
  traverse = "topdown",
  Figure = function(fig)
    local id = fig.identifier or ""
    if starts_with(id, "fig-") then
      if numbers.fig[id] then warn("duplicate figure label: " .. id) end
      counters.fig = counters.fig + 1
      numbers.fig[id] = tostring(counters.fig)
      fig.caption = prefix_caption(fig.caption, "fig", counters.fig)
      return fig
    end
  end,
  Table = function(tbl)
    local id = tbl.identifier or ""
    if starts_with(id, "tbl-") then
      counters.tbl = counters.tbl + 1
      numbers.tbl[id] = tostring(counters.tbl)
      tbl.caption = prefix_caption(tbl.caption, "tbl", counters.tbl)
      return tbl
    end
  end,
  Header = function(h)
    if not number_sections or h.classes:includes("unnumbered") then return nil end
    local level = h.level - min_level + 1
    if level < 1 then level = 1 end
    section_counter[level] = section_counter[level] + 1
    for i = level + 1, #section_counter do section_counter[i] = 0 end
    local parts = {}
    for i = 1, level do parts[#parts + 1] = tostring(section_counter[i]) end
    local num = table.concat(parts, ".")
    if h.identifier ~= "" then numbers.sec[h.identifier] = num end
    local content = pandoc.Inlines({})
    if IS_HTML then
      content:insert(pandoc.Span({ pandoc.Str(num) }, { class = "header-section-number" }))
      content:insert(pandoc.Space())
    else
      content:insert(pandoc.Str(num))
      if IS_TYPST then
        content:insert(pandoc.RawInline("typst", "#h(0.6em)"))
      else
        content:insert(pandoc.Space())
      end
    end
    content:extend(h.content)
    h.content = content
    h.attributes["number"] = num
    return h
  end,
}

-- ---------------------------------------------------------------- pass 4: cross-references
local KINDS = { fig = true, tbl = true, sec = true, eq = true }

local function ref_kind(id)
  local kind = id:match("^(%a+)%-")
  if kind and KINDS[kind:lower()] then return kind:lower(), kind end
  return nil
end

local pass_refs = {
  Cite = function(cite)
    local all = true
    for _, c in ipairs(cite.citations) do
      if not ref_kind(c.id) then all = false end
    end
    if not all then return nil end
    local out = pandoc.Inlines({})
    for i, c in ipairs(cite.citations) do
      if i > 1 then out:extend({ pandoc.Str(","), pandoc.Space() }) end
      local kind, raw = ref_kind(c.id)
      local id = kind .. c.id:sub(#raw + 1)
      local n = numbers[kind][id]
      if n == nil then
        warn("unresolved cross-reference: " .. c.id)
        out:insert(pandoc.Strong({ pandoc.Str("?@" .. c.id) }))
      else
        local label = pandoc.Inlines({})
        if #c.prefix > 0 then
          label:extend(c.prefix)
          label:insert(pandoc.Str(NBSP .. n))
        elseif c.mode == "SuppressAuthor" then
          label:insert(pandoc.Str(n))
        else
          local word = prefixes[kind] or titles[kind]
          if raw:sub(1, 1):match("%u") then
            word = word:sub(1, 1):upper() .. word:sub(2)
          end
          label:insert(pandoc.Str(word .. NBSP .. n))
        end
        out:insert(pandoc.Link(label, "#" .. id))
        if #c.suffix > 0 then out:extend(c.suffix) end
      end
    end
    return out
  end,
}

-- ---------------------------------------------------------------- pass 5: callouts and shortcodes
local CALLOUTS = { note = true, tip = true, warning = true, important = true, caution = true }

local function typst_inlines(inlines)
  local text = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
  return (text:gsub("%s+$", ""))
end

local pass_callouts = {
  Div = function(div)
    local kind = nil
    for _, c in ipairs(div.classes) do
      local k = c:match("^callout%-(%a+)$")
      if k and CALLOUTS[k] then kind = k end
    end
    if kind == nil then return nil end
    local content = div.content
    local title = nil
    if div.attributes["title"] then
      title = parse_inlines(div.attributes["title"])
      div.attributes["title"] = nil
    elseif #content > 0 and content[1].t == "Header" then
      title = content[1].content
      content = pandoc.Blocks({ table.unpack(content, 2) })
    end
    if title == nil then title = pandoc.Inlines({ pandoc.Str(titles[kind]) }) end
    if IS_TYPST then
      local out = pandoc.Blocks({})
      out:insert(pandoc.RawBlock("typst",
        '#callout(kind: "' .. kind .. '", title: [' .. typst_inlines(title) .. '])['))
      out:extend(content)
      out:insert(pandoc.RawBlock("typst", "]"))
      return out
    end
    local classes = { "callout", "callout-" .. kind }
    local attrs = {}
    if IS_HTML then attrs = { role = "note" } end
    local head = pandoc.Div({ pandoc.Plain(title) }, pandoc.Attr("", { "callout-title" }, {}))
    local body = pandoc.Div(content, pandoc.Attr("", { "callout-body" }, {}))
    return pandoc.Div({ head, body }, pandoc.Attr(div.identifier, classes, attrs))
  end,
  Para = function(p)
    local text = pandoc.utils.stringify(p)
    if text:match("^{{<%s*pagebreak%s*>}}$") then
      if IS_TYPST then return pandoc.RawBlock("typst", "#pagebreak()") end
      if IS_HTML then
        return pandoc.RawBlock("html", '<div class="page-break" style="page-break-after: always;"></div>')
      end
      return {}
    end
  end,
}

-- ---------------------------------------------------------------- pass 6: format specifics
local function absolute_src(src)
  if src:match("^%a[%w+.-]*:") or starts_with(src, "/") then return src end
  local cwd = pandoc.system.get_working_directory()
  return pandoc.path.normalize(pandoc.path.join({ cwd, src }))
end

local function typst_string(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ") .. '"'
end

local function column_widths(tbl)
  local ncol = #tbl.colspecs
  if ncol == 0 then return nil end
  for _, spec in ipairs(tbl.colspecs) do
    if type(spec[2]) == "number" and spec[2] > 0 then return nil end
  end
  local lens = {}
  for i = 1, ncol do lens[i] = 3 end
  local function scan(rows)
    for _, row in ipairs(rows) do
      local col = 1
      for _, cell in ipairs(row.cells) do
        local len = #pandoc.utils.stringify(cell.contents)
        local span = cell.col_span or 1
        if span == 1 and col <= ncol and len > lens[col] then lens[col] = len end
        col = col + span
      end
    end
  end
  scan(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    scan(body.head)
    scan(body.body)
  end
  local total = 0
  for i = 1, ncol do
    lens[i] = math.min(lens[i], 40)
    total = total + lens[i]
  end
  local specs = {}
  for i, spec in ipairs(tbl.colspecs) do
    specs[i] = { spec[1], math.floor(lens[i] / total * 1000) / 1000 }
  end
  tbl.colspecs = specs
  return tbl
end

-- the heading above each table, in document order: names a table that has no caption
local last_heading = nil
local unnamed_tables = {}

local pass_format = {
  Header = function(h)
    last_heading = pandoc.utils.stringify(h.content)
    if IS_TYPST and min_level > 1 then
      h.level = math.max(1, h.level - (min_level - 1))
      return h
    end
  end,
  Image = function(img)
    if IS_TYPST then
      -- pandoc's typst writer drops alt text; write the image call ourselves (PDF/UA).
      local args = { typst_string(absolute_src(img.src)) }
      local alt = pandoc.utils.stringify(img.caption)
      if alt ~= "" then args[#args + 1] = "alt: " .. typst_string(alt) end
      local width = img.attributes["width"]
      if width and width:match("^[%d.]+%%$") then
        args[#args + 1] = "width: " .. width
      elseif width and width:match("^[%d.]+in$") or (width and width:match("^[%d.]+cm$")) then
        args[#args + 1] = "width: " .. width
      end
      return pandoc.RawInline("typst", "#box(image(" .. table.concat(args, ", ") .. "))")
    end
  end,
  Table = function(tbl)
    if IS_TYPST then return column_widths(tbl) end
    if IS_HTML then
      -- a wide table scrolls inside its own box on a narrow screen, not the whole page; the
      -- box is focusable and named so keyboard and screen-reader users can scroll it too
      local name = pandoc.utils.stringify(tbl.caption.long)
      if name == "" then
        -- landmark names must be unique: name it after its section, counted within it
        local section = last_heading or ""
        unnamed_tables[section] = (unnamed_tables[section] or 0) + 1
        name = titles.tbl
        if section ~= "" then name = name .. NBSP .. "(" .. section .. ")" end
        if unnamed_tables[section] > 1 then
          name = name .. " " .. tostring(unnamed_tables[section])
        end
      end
      -- attributes as a list of pairs: a Lua table's key order would vary between runs
      return pandoc.Div({ tbl }, pandoc.Attr("", { "table-wrap" },
        { { "tabindex", "0" }, { "role", "region" }, { "aria-label", name } }))
    end
  end,
}

-- Typst reads "-" before a digit after a space as a minus sign ("x -2" prints "x −2");
-- text is text, so a hyphen at the start of a word stays a hyphen (issue #18: names are data).
local pass_literal_hyphen = {
  Str = function(s)
    if IS_TYPST and s.text:match("^%-%d") then
      return { pandoc.RawInline("typst", "\\-"), pandoc.Str(s.text:sub(2)) }
    end
  end,
}

return {
  read_meta,
  pass_raw,
  pass_divs,
  scan_levels,
  pass_number,
  pass_refs,
  pass_callouts,
  pass_format,
  pass_literal_hyphen,
}
