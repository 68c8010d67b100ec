// Acceptance test of `trailbook serve` with a Jupyter client no one here wrote:
// @jupyterlab/services, the library JupyterLab itself talks to Jupyter Server with.
//
//   node client.mjs http://127.0.0.1:PORT/?token=TOKEN
//
// Once per websocket framing (the v1.kernel.websocket.jupyter.org subprotocol, and
// legacy JSON text frames), it starts a kernel, runs a DQL cell and checks the table
// output, runs an erroring cell and checks the error, interrupts a long query, round
// trips a notebook through the contents API, and shuts the kernel down. Exit status
// 0 means every check passed; a failure prints what differed.

import services from '@jupyterlab/services';
import WebSocket from 'ws';

const { KernelManager, SessionManager, ContentsManager, ServerConnection } = services;

const V1 = 'v1.kernel.websocket.jupyter.org';
// The interrupt must stop a query within a second (the issue's bound); the check
// allows for a loaded CI machine, and the elapsed time is printed.
const INTERRUPT_LIMIT_MS = 3000;
// A query over the demo data that runs for tens of seconds: the 20,000 demo events
// ten times over, each expanded into a hundred records, in batches that the engine
// finishes (and checks for cancellation) in well under a second.
const LONG_QUERY = 'fetch logs, from: -30d' +
  ' | append [fetch logs, from: -30d]'.repeat(9) +
  ' | fieldsAdd a = splitString("0123456789", "") | expand a' +
  ' | fieldsAdd b = splitString("0123456789", "") | expand b' +
  ' | summarize count()';

function fail(msg) {
  throw new Error(msg);
}

function check(cond, msg) {
  if (!cond) fail(msg);
}

// LegacyWebSocket drops the offered subprotocols, as clients older than Jupyter
// Server 2 do, so that the server falls back to JSON text frames.
class LegacyWebSocket extends WebSocket {
  constructor(url) {
    super(url);
  }
}

// run executes a cell and returns its reply and iopub messages.
async function run(kernel, code, metadata = {}) {
  const future = kernel.requestExecute({ code, stop_on_error: false }, false, metadata);
  const iopub = [];
  future.onIOPub = msg => { iopub.push(msg); };
  const reply = await future.done;
  return { reply, iopub, future };
}

async function scenario(base, token, framing) {
  const url = new URL(base);
  const baseUrl = `${url.protocol}//${url.host}/`;
  const settings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: `ws://${url.host}/`,
    token,
    appendToken: true,
    WebSocket: framing === 'v1' ? WebSocket : LegacyWebSocket,
  });
  const log = msg => console.log(`[${framing}] ${msg}`);

  const kernels = new KernelManager({ serverSettings: settings });
  await kernels.ready;
  const kernel = await kernels.startNew({ name: 'trailbook' });
  const info = await kernel.info;
  check(info.language_info.name === 'dql', `kernel_info language ${JSON.stringify(info.language_info)}`);
  check(info.protocol_version === '5.3', `protocol_version ${info.protocol_version}`);
  const selected = kernel._ws && kernel._ws.protocol;
  check(selected === (framing === 'v1' ? V1 : ''), `framing: the server selected ${JSON.stringify(selected)}`);
  log(`kernel ${kernel.id} started, framing ${JSON.stringify(selected)}`);

  // A DQL cell: the table output.
  const ok = await run(kernel,
    'data record(user = "alice", calls = 3), record(user = "<script>alert(1)</script>", calls = 5)\n| sort calls desc',
    { trailbook: { name: 'calls' } });
  check(ok.reply.content.status === 'ok', `DQL cell reply ${JSON.stringify(ok.reply.content)}`);
  const kinds = ok.iopub.map(m => m.header.msg_type);
  check(kinds[0] === 'status' && kinds.includes('execute_input') && kinds.includes('execute_result') && kinds[kinds.length - 1] === 'status',
    `iopub sequence ${kinds}`);
  const result = ok.iopub.find(m => m.header.msg_type === 'execute_result');
  const data = result.content.data;
  const table = data['application/vnd.trailbook.table+json'];
  check(table, `no table+json among ${Object.keys(data)}`);
  check(JSON.stringify(table.columns) === '[{"name":"user","type":"string"},{"name":"calls","type":"long"}]',
    `columns ${JSON.stringify(table.columns)}`);
  check(table.total === 2 && table.records.length === 2, `total ${table.total}, records ${table.records.length}`);
  check(table.records[0].user === '<script>alert(1)</script>' && table.records[0].calls === 5,
    `first record ${JSON.stringify(table.records[0])}`);
  check(typeof data['text/plain'] === 'string', 'no text/plain');
  check(data['text/html'].includes('&lt;script&gt;') && !data['text/html'].includes('<script>'),
    `text/html is not escaped: ${data['text/html']}`);
  const page = await ServerConnection.makeRequest(
    `${baseUrl}api/trailbook/results/${table.resultId}?offset=1&limit=1`, {}, settings);
  const pageBody = await page.json();
  check(page.status === 200 && pageBody.records.length === 1 && pageBody.records[0].user === 'alice' && pageBody.total === 2,
    `results page ${page.status} ${JSON.stringify(pageBody)}`);
  log('DQL cell: table output, escaping and paging checked');

  // A DQL cell over the demo data that `trailbook serve` serves without --data.
  const demo = await run(kernel, 'fetch logs, from: -30d\n| summarize events = count(), by: {aws.region}\n| sort events desc\n| limit 3');
  check(demo.reply.content.status === 'ok', `demo cell reply ${JSON.stringify(demo.reply.content)}`);
  const dt = demo.iopub.find(m => m.header.msg_type === 'execute_result').content.data['application/vnd.trailbook.table+json'];
  check(JSON.stringify(dt.columns) === '[{"name":"aws.region","type":"string"},{"name":"events","type":"long"}]',
    `demo columns ${JSON.stringify(dt.columns)}`);
  check(dt.total >= 1 && dt.total <= 3 && dt.records.every(r => r.events > 0) && dt.records[0].events >= dt.records[dt.records.length - 1].events,
    `demo records ${JSON.stringify(dt.records)}`);
  log(`demo data: ${dt.records.map(r => `${r['aws.region']}=${r.events}`).join(', ')}`);

  // An erroring cell.
  const bad = await run(kernel, 'data record(a = 1)\n| summarize n = coutn()');
  check(bad.reply.content.status === 'error' && bad.reply.content.ename === 'DQLSyntaxError',
    `error reply ${JSON.stringify(bad.reply.content)}`);
  const err = bad.iopub.find(m => m.header.msg_type === 'error');
  check(err, 'no error message on iopub');
  const tb = err.content.traceback;
  check(tb.length === 3 && tb[0] === '  | | summarize n = coutn()' && tb[1] === '  |                 ^' &&
    tb[2] === '2:17: unknown function "coutn" (did you mean "count"?)', `traceback ${JSON.stringify(tb)}`);
  log('erroring cell: DQLSyntaxError with query line, caret and message');

  // Interrupt a long query.
  const future = kernel.requestExecute({ code: LONG_QUERY });
  const started = new Promise(resolve => {
    future.onIOPub = msg => { if (msg.header.msg_type === 'execute_input') resolve(); };
  });
  await started;
  await new Promise(resolve => setTimeout(resolve, 300)); // let it get going
  const t0 = Date.now();
  await kernel.interrupt();
  const interrupted = await future.done;
  const elapsed = Date.now() - t0;
  check(interrupted.content.status === 'error' && interrupted.content.ename === 'Interrupted',
    `interrupted reply ${JSON.stringify(interrupted.content)}`);
  check(elapsed < INTERRUPT_LIMIT_MS, `the interrupt took ${elapsed} ms`);
  log(`long query interrupted, reply after ${elapsed} ms`);
  const after = await run(kernel, 'data record(x = 1)');
  check(after.reply.content.status === 'ok', 'the kernel did not recover after the interrupt');

  // Round trip a notebook through the contents API.
  const contents = new ContentsManager({ serverSettings: settings });
  const path = `roundtrip-${framing}.ipynb`;
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { trailbook: { timeframe: { from: '-7d', to: 'now' } }, kernelspec: { name: 'trailbook', display_name: 'trailbook (DQL)', language: 'dql' } },
    cells: [
      { id: 'intro', cell_type: 'markdown', metadata: {}, source: '# Failed sign-ins\n<img src=x onerror=alert(1)>' },
      { id: 'query', cell_type: 'code', metadata: { trailbook: { name: 'failures' } }, execution_count: 1,
        source: 'fetch logs\n| filter loglevel == "ERROR"', outputs: [{ output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': '(0 records)' } }] },
    ],
  };
  const saved = await contents.save(path, { type: 'notebook', format: 'json', content: nb });
  check(saved.path === path && saved.type === 'notebook', `save returned ${JSON.stringify(saved)}`);
  const got = await contents.get(path, { content: true });
  const c = got.content;
  check(c.nbformat === 4 && c.nbformat_minor === 5, `nbformat ${c.nbformat}.${c.nbformat_minor}`);
  check(JSON.stringify(c.metadata.trailbook) === JSON.stringify(nb.metadata.trailbook), `metadata ${JSON.stringify(c.metadata)}`);
  check(c.cells.length === 2, `cells ${c.cells.length}`);
  for (let i = 0; i < 2; i++) {
    const want = nb.cells[i], have = c.cells[i];
    const src = Array.isArray(have.source) ? have.source.join('') : have.source;
    check(have.id === want.id && have.cell_type === want.cell_type && src === want.source,
      `cell ${i}: ${JSON.stringify(have)}`);
  }
  check(JSON.stringify(c.cells[1].outputs) === JSON.stringify(nb.cells[1].outputs), `outputs ${JSON.stringify(c.cells[1].outputs)}`);
  await contents.save(path, { type: 'notebook', format: 'json', content: c });
  const checkpoints = await contents.listCheckpoints(path);
  check(checkpoints.length === 1, `checkpoints ${JSON.stringify(checkpoints)}`);
  await contents.delete(path);
  log('notebook round trip through the contents API checked');

  // A session for a notebook, as JupyterLab opens one.
  const sessions = new SessionManager({ kernelManager: kernels, serverSettings: settings });
  await sessions.ready;
  const session = await sessions.startNew({ path: `s-${framing}.ipynb`, name: `s-${framing}.ipynb`, type: 'notebook', kernel: { name: 'trailbook' } });
  const sinfo = await session.kernel.info;
  check(sinfo.language_info.name === 'dql', 'session kernel_info');
  await session.shutdown();

  // Shut the kernel down.
  await kernel.shutdown();
  check(kernel.status === 'dead', `status after shutdown: ${kernel.status}`);
  const left = await ServerConnection.makeRequest(`${baseUrl}api/kernels`, {}, settings);
  const running = await left.json();
  check(Array.isArray(running) && running.length === 0, `kernels after shutdown: ${JSON.stringify(running)}`);
  log('kernel shut down');
  sessions.dispose();
  kernels.dispose();
}

async function main() {
  const arg = process.argv[2];
  if (!arg) {
    console.error('usage: node client.mjs http://HOST:PORT/?token=TOKEN');
    process.exit(2);
  }
  const token = new URL(arg).searchParams.get('token') || '';
  for (const framing of ['v1', 'legacy']) {
    await scenario(arg, token, framing);
  }
  console.log('PASS: @jupyterlab/services against trailbook serve, both framings');
}

main().then(() => process.exit(0), err => {
  console.error(`FAIL: ${err && err.stack || err}`);
  process.exit(1);
});
