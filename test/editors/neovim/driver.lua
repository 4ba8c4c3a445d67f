-- Headless Neovim (0.7, Debian bookworm) as a real LSP client of the sqlwarden language server.
-- Used by test/editors/neovim.test.ts; the driver only observes and reports, the test asserts.
--
--   SQLWARDEN_NVIM_SERVER='["node","/abs/packages/language-server/dist/server.mjs","--stdio"]' \
--   SQLWARDEN_NVIM_FILE=/abs/workspace/migrations/0001_add_index.sql \
--   SQLWARDEN_NVIM_ROOT=/abs/workspace \
--   SQLWARDEN_NVIM_HOVER=0:20 \
--   SQLWARDEN_NVIM_STEPS='[{"code":"no-blocking-index-build","title":"Use CREATE INDEX CONCURRENTLY"}]' \
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/editors/neovim/driver.lua' </dev/null
--
-- Optional: SQLWARDEN_NVIM_TIMEOUT_MS (each wait, default 30000; a guard against hangs, not a timing check).
--
-- What it does, always through Neovim's own LSP client:
--   1. :edit the file, start the client (vim.lsp.start_client) and attach the buffer.
--   2. Waits for the server to PUSH diagnostics (textDocument/publishDiagnostics) for the buffer's
--      version. There is deliberately no pull fallback: a server that only answers
--      textDocument/diagnostic shows nothing in Neovim 0.7, and that must show up as a failure.
--   3. textDocument/hover at SQLWARDEN_NVIM_HOVER.
--   4. Each step ({ code, title, hover? }): cursor on the first diagnostic whose code is step.code, then
--      vim.lsp.buf.code_action() exactly as a user runs it (the context's diagnostics are the line's,
--      converted by Neovim itself); vim.ui.select, Neovim's extension point for the menu, is
--      replaced by a chooser that picks step.title, and Neovim applies the edit
--      (util.apply_workspace_edit). Then waits for the re-published diagnostics of the new version,
--      and hovers at step.hover ("line:col") when given.
--   5. Stops the client (shutdown + exit) and prints ONE line of JSON on stdout, then exits
--      0 (report.errors empty) or 1.

local util = vim.lsp.util

local TIMEOUT = tonumber(os.getenv('SQLWARDEN_NVIM_TIMEOUT_MS') or '') or 30000
local seq = 0
local function next_seq()
  seq = seq + 1
  return seq
end

local v = vim.version()
local report = {
  nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch),
  errors = {},
  sent = {}, -- every request and notification the client sent through client.request/notify (all but initialize/initialized): { seq, kind, method, version }
  publishes = {}, -- every textDocument/publishDiagnostics received: { seq, uri, version, diagnostics (as sent) }
  server_messages = {}, -- window/logMessage and window/showMessage
  notifications = {}, -- vim.notify calls (Neovim's own complaints, e.g. "No code actions available")
  steps = {},
  hover = vim.NIL,
}

local function fail(message)
  table.insert(report.errors, message)
end

vim.notify = function(message, level)
  table.insert(report.notifications, { message = tostring(message), level = level })
end

local exit_info = nil
local client_id = nil

local function finish()
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  if client then
    client.stop()
    if not vim.wait(TIMEOUT, function() return exit_info ~= nil end, 20) then
      fail('the server did not exit after shutdown/exit')
      client.stop(true)
    end
  end
  report.server_exit = exit_info or vim.NIL
  local ok, text = pcall(vim.fn.json_encode, report)
  if not ok then
    text = vim.fn.json_encode({ errors = { 'json_encode of the report failed: ' .. tostring(text) } })
    report.errors = { 'json' }
  end
  io.stdout:write(text, '\n')
  io.stdout:flush()
  if #report.errors == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit 1')
  end
end

local function env(name)
  local value = os.getenv(name)
  if value == nil or value == '' then error(name .. ' is required') end
  return value
end

-- The vim.diagnostic view of the buffer (what a user sees), with the LSP fields Neovim keeps.
local function buffer_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out, {
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity, -- vim.diagnostic.severity: 1 ERROR, 2 WARN, 3 INFO, 4 HINT
      source = d.source,
      code = d.code,
      message = d.message,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
      has_data = lsp.data ~= nil,
    })
  end
  table.sort(out, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    return tostring(a.code) < tostring(b.code)
  end)
  return out
end

-- Waits until the client has sent the buffer's current version (didOpen/didChange, which Neovim
-- debounces) and the server has pushed diagnostics for it. Returns that publish or nil.
local function wait_for_publish(bufnr, uri, what)
  local version = util.buf_versions[bufnr]
  local sync_seq = nil
  local found = nil
  vim.wait(TIMEOUT, function()
    if not sync_seq then
      for _, s in ipairs(report.sent) do
        if (s.method == 'textDocument/didOpen' or s.method == 'textDocument/didChange') and s.uri == uri and s.version == version then
          sync_seq = s.seq
        end
      end
    end
    if sync_seq then
      for _, p in ipairs(report.publishes) do
        if p.uri == uri and p.seq > sync_seq and (p.version == nil or p.version == version) then
          found = p
          return true
        end
      end
    end
    return exit_info ~= nil
  end, 20)
  if not found then
    fail(string.format('%s: no textDocument/publishDiagnostics for version %s (document sent: %s, server exit: %s)',
      what, tostring(version), tostring(sync_seq ~= nil), vim.inspect(exit_info)))
  end
  return found
end

-- textDocument/hover at "line:col" (0-based), with the lines Neovim would render in its float.
local function hover(client, bufnr, uri, at)
  if not at or at == '' then return vim.NIL end
  local line, col = at:match('^(%d+):(%d+)$')
  if not line then
    fail('bad hover position ' .. at)
    return vim.NIL
  end
  local position = { line = tonumber(line), character = tonumber(col) }
  local resp, err = client.request_sync('textDocument/hover', { textDocument = { uri = uri }, position = position }, TIMEOUT, bufnr)
  if not resp then
    fail('hover ' .. at .. ': ' .. tostring(err))
    return vim.NIL
  end
  if resp.err then
    fail('hover ' .. at .. ': ' .. vim.inspect(resp.err))
    return vim.NIL
  end
  local rendered = {}
  if resp.result and resp.result.contents then
    rendered = util.trim_empty_lines(util.convert_input_to_markdown_lines(resp.result.contents))
  end
  return { position = position, result = resp.result or vim.NIL, rendered = rendered }
end

local function run()
  local ok_cmd, cmd = pcall(vim.fn.json_decode, env('SQLWARDEN_NVIM_SERVER'))
  if not ok_cmd or type(cmd) ~= 'table' then error('SQLWARDEN_NVIM_SERVER must be a JSON array') end
  local file = vim.fn.fnamemodify(env('SQLWARDEN_NVIM_FILE'), ':p')
  local root = vim.fn.fnamemodify(env('SQLWARDEN_NVIM_ROOT'), ':p'):gsub('/$', '')
  local steps = vim.fn.json_decode(os.getenv('SQLWARDEN_NVIM_STEPS') or '[]')

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'sql'
  local uri = vim.uri_from_bufnr(bufnr)
  report.uri = uri

  -- Neovim's default client capabilities (what start_client sends when given none), kept so the
  -- report can say whether this Neovim advertises pull diagnostics (0.7 does not).
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  report.client_advertises_pull_diagnostics = capabilities.textDocument.diagnostic ~= nil
  client_id = vim.lsp.start_client({
    name = 'sqlwarden',
    capabilities = capabilities,
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'fixture' } },
    on_exit = function(code, signal) exit_info = { code = code, signal = signal } end,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        local r = vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
        table.insert(report.publishes, {
          seq = next_seq(),
          uri = result and result.uri,
          version = result and result.version,
          diagnostics = result and result.diagnostics or {},
        })
        return r
      end,
      ['window/logMessage'] = function(_, result)
        table.insert(report.server_messages, { kind = 'log', type = result.type, message = result.message })
      end,
      ['window/showMessage'] = function(_, result)
        table.insert(report.server_messages, { kind = 'show', type = result.type, message = result.message })
      end,
    },
  })
  if not client_id then error('vim.lsp.start_client returned nil') end
  local client = vim.lsp.get_client_by_id(client_id)

  -- Record what the client sends. Neovim's own code (buf_request, changetracking, request_sync)
  -- calls these through the client table, so wrapping them sees every message.
  local request, notify = client.request, client.notify
  client.request = function(method, params, handler, b)
    table.insert(report.sent, { seq = next_seq(), kind = 'request', method = method, params = params })
    return request(method, params, handler, b)
  end
  client.notify = function(method, params)
    local td = type(params) == 'table' and params.textDocument or nil
    table.insert(report.sent, {
      seq = next_seq(), kind = 'notification', method = method,
      uri = td and td.uri, version = td and td.version,
      incremental = method == 'textDocument/didChange' and params.contentChanges[1] ~= nil and params.contentChanges[1].range ~= nil or nil,
    })
    return notify(method, params)
  end

  vim.lsp.buf_attach_client(bufnr, client_id)
  local initialized = vim.wait(TIMEOUT, function()
    return client.initialized or exit_info ~= nil
  end, 20)
  if not initialized or not client.initialized then
    error('the server did not initialize; exit: ' .. vim.inspect(exit_info))
  end
  report.server_capabilities = client.server_capabilities
  report.offset_encoding = client.offset_encoding

  -- 1. Pushed diagnostics for the opened document.
  local first = wait_for_publish(bufnr, uri, 'open')
  report.initial = {
    version = first and first.version or vim.NIL,
    published = first and first.diagnostics or {},
    buffer = buffer_diagnostics(bufnr),
  }

  -- 2. Hover.
  report.hover = hover(client, bufnr, uri, os.getenv('SQLWARDEN_NVIM_HOVER'))

  -- 3. Code actions, chosen and applied the way a user does.
  for i, step in ipairs(steps) do
    local out = { code = step.code, title = step.title, applied = false, offered = {} }
    report.steps[i] = out
    local target = nil
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == step.code and (target == nil or d.lnum < target.lnum) then target = d end
    end
    if not target then
      fail(string.format('step %d: no diagnostic %s in the buffer', i, step.code))
      break
    end
    out.cursor = { target.lnum, target.col }
    vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })

    local chosen = false
    local original_select = vim.ui.select
    vim.ui.select = function(items, _, on_choice)
      chosen = true
      local pick = nil
      for _, item in ipairs(items) do
        local action = item[2]
        table.insert(out.offered, { title = action.title, kind = action.kind or vim.NIL, isPreferred = action.isPreferred or false })
        if action.title == step.title and pick == nil then pick = item end
      end
      if pick then
        out.applied = true
        out.action = pick[2]
      end
      on_choice(pick)
    end
    local before = #report.sent
    vim.lsp.buf.code_action()
    local answered = vim.wait(TIMEOUT, function() return chosen end, 20)
    vim.ui.select = original_select
    for j = before + 1, #report.sent do
      local s = report.sent[j]
      if s.method == 'textDocument/codeAction' then out.request = s.params end
    end
    if not answered then
      fail(string.format('step %d: no code action menu (notifications: %s)', i, vim.inspect(report.notifications)))
      break
    end
    if not out.applied then
      fail(string.format('step %d: no code action titled %q', i, step.title))
      break
    end
    local after = wait_for_publish(bufnr, uri, 'step ' .. i)
    out.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    out.version = after and after.version or vim.NIL
    out.published = after and after.diagnostics or {}
    out.buffer = buffer_diagnostics(bufnr)
    if not after then break end
    out.hover = hover(client, bufnr, uri, step.hover)
  end
end

local ok, err = xpcall(run, debug.traceback)
if not ok then fail('driver: ' .. tostring(err)) end
finish()
