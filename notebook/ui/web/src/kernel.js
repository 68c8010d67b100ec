// kernel.js speaks the Jupyter messaging protocol (5.3) with one kernel over the
// websocket GET /api/kernels/{id}/channels, in the legacy JSON text framing. It
// routes each reply and broadcast to the request it answers (parent_header.msg_id)
// and reconnects, with back-off, when the connection drops.

const PROTOCOL_VERSION = '5.3';

// Reconnection back-off: first retry after minRetry, doubling to maxRetry.
const minRetry = 500;
const maxRetry = 10000;

/** Kernel is a connection to one kernel. */
export class Kernel {
  /**
   * @param {string} id kernel id
   * @param {{onStatus?: (state: string) => void}} opts onStatus receives
   *   'connecting', 'idle', 'busy', 'disconnected' or 'dead'.
   */
  constructor(id, opts = {}) {
    this.id = id;
    this.onStatus = opts.onStatus || (() => {});
    this.session = crypto.randomUUID();
    this.pending = new Map(); // msg_id → {onIOPub, onReply, reply, idle, resolve}
    this.queue = []; // frames waiting for the connection
    this.retry = minRetry;
    this.closed = false;
    this.connect();
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${scheme}//${location.host}/api/kernels/${encodeURIComponent(this.id)}/channels?session_id=${this.session}`;
    this.onStatus('connecting');
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = minRetry;
      for (const f of this.queue.splice(0)) ws.send(f);
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.onStatus('disconnected');
      // Requests in flight lose their broadcasts: finish them as failed.
      for (const [id, p] of this.pending) {
        p.onIOPub?.({ header: { msg_type: 'error' }, content: { ename: 'ConnectionLost', evalue: 'the connection to the kernel was lost', traceback: [] } });
        this.finish(id);
      }
      if (!this.closed) {
        setTimeout(() => this.connect(), this.retry);
        this.retry = Math.min(this.retry * 2, maxRetry);
      }
    };
  }

  receive(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    const type = msg.header?.msg_type;
    const parent = msg.parent_header?.msg_id;
    if (msg.channel === 'iopub' && type === 'status') this.onStatus(msg.content?.execution_state);
    const p = parent && this.pending.get(parent);
    if (!p) return;
    if (msg.channel === 'iopub') {
      if (type === 'status') {
        if (msg.content?.execution_state === 'idle') p.idle = true;
      } else {
        p.onIOPub?.(msg);
      }
    } else if (msg.channel === 'shell' || msg.channel === 'control') {
      p.reply = msg;
      p.onReply?.(msg);
    }
    // A request is done when both its reply and its idle status have arrived.
    if (p.reply && p.idle) this.finish(parent);
  }

  finish(id) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(p.reply);
  }

  /**
   * request sends a request and returns its msg_id and a promise of its reply
   * message (null when the connection was lost first).
   */
  request(channel, type, content, metadata = {}, handlers = {}) {
    const id = crypto.randomUUID();
    const msg = {
      channel,
      header: { msg_id: id, msg_type: type, session: this.session, username: 'trailbook-ui', date: new Date().toISOString(), version: PROTOCOL_VERSION },
      parent_header: {}, metadata, content,
    };
    let resolve;
    const done = new Promise((r) => { resolve = r; });
    this.pending.set(id, { ...handlers, resolve });
    const frame = JSON.stringify(msg);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
    else this.queue.push(frame);
    return { id, done };
  }

  /**
   * execute runs code. handlers.onIOPub gets every broadcast the cell makes
   * (execute_input, stream, display_data, execute_result, error, clear_output).
   */
  execute(code, metadata, handlers) {
    return this.request('shell', 'execute_request',
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      metadata, handlers);
  }

  /** complete asks for completions at cursor (counted in code points). */
  async complete(code, cursor) {
    const { done } = this.request('shell', 'complete_request', { code, cursor_pos: cursor });
    const reply = await done;
    return reply?.content;
  }

  close() {
    this.closed = true;
    this.ws?.close();
  }
}
