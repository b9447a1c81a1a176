--[[
integratiescan batch converter: one `pandoc lua` process for many documents of a batch
(render/batch.py). Per request it does what two pandoc command lines did, without their
start-up and with the Markdown read once:

  * the Typst file: read the Markdown, merge the metadata file under the document's own
    metadata, run quarto.lua with FORMAT "typst", write with the template (standalone);
    the same steps, in the same order, as
    `pandoc doc.md --from=markdown --metadata-file=M --lua-filter=quarto.lua --standalone
     --wrap=none --to=typst --template=report.typ` (no citeproc: batches only take
    documents with `citeproc: false`);
  * the HTML document up to its writer: read, metadata merged, quarto.lua run with FORMAT
    "html5", as pandoc JSON; the HTML command line reads that (`--from=json`, no filter)
    and does the template and --embed-resources (not available in Lua) itself.

Protocol: one JSON request per line on stdin
({cwd, markdown, html = {meta, json}, typst = {meta, out}}: folder and file paths),
one JSON reply per line on stdout ({ok, warnings} or {ok=false, error}).
Usage: pandoc lua convert.lua <quarto.lua> <report.typ>
]]

local json = pandoc.json
local FILTER, TEMPLATE = arg[1], arg[2]

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

local function write_file(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local template = pandoc.template.compile(read_file(TEMPLATE), TEMPLATE)
local READER = { standalone = true }

local function metadata_file(path)
  -- pandoc reads a metadata file as a YAML block whose strings are Markdown
  return pandoc.read("---\n" .. read_file(path) .. "\n...\n", "markdown", READER).meta
end

local function with_metadata(doc, path)
  -- the metadata file's values under the document's own, as pandoc's --metadata-file
  local out = doc:clone()
  for key, value in pairs(metadata_file(path)) do
    if out.meta[key] == nil then
      out.meta[key] = value
    end
  end
  return out
end

local function filtered(doc, format, warnings)
  -- quarto.lua as `--lua-filter` runs it: FORMAT set, warnings from its io.stderr
  FORMAT = format
  local saved = io.stderr
  io.stderr = {
    write = function(self, ...)
      for _, s in ipairs({ ... }) do
        warnings[#warnings + 1] = s
      end
      return self
    end,
  }
  local ok, result = pcall(pandoc.utils.run_lua_filter, doc, FILTER)
  io.stderr = saved
  if not ok then
    error(result, 0)
  end
  return result
end

local function convert(req, warnings)
  local doc = pandoc.read(read_file(req.markdown), "markdown", READER)
  if req.html then
    local html = filtered(with_metadata(doc, req.html.meta), "html5", warnings)
    write_file(req.html.json, pandoc.write(html, "json"))
  end
  if req.typst then
    local typ = filtered(with_metadata(doc, req.typst.meta), "typst", warnings)
    write_file(req.typst.out, pandoc.write(typ, "typst", { template = template, wrap_text = "none" }))
  end
end

for line in io.lines() do
  local warnings = {}
  local ok, err = pcall(function()
    local req = json.decode(line, false)
    -- the command lines run in the document's folder (quarto.lua resolves image paths there)
    local logs = pandoc.system.with_working_directory(req.cwd, function()
      return pandoc.log.silence(convert, req, warnings)
    end)
    for _, msg in ipairs(logs) do
      warnings[#warnings + 1] = "[WARNING] " .. tostring(msg) .. "\n"
    end
  end)
  local reply = ok and { ok = true, warnings = table.concat(warnings) }
    or { ok = false, error = tostring(err) }
  io.stdout:write(json.encode(reply) .. "\n")
  io.stdout:flush()
  collectgarbage() -- the documents' Lua objects pin Haskell values: free them per document
end
