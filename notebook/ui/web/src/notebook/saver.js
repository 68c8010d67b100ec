// saver.js autosaves a notebook: every change marks it dirty, and a save through
// the contents API (which the server writes atomically) follows once the changes
// pause. Changes made while a save is in flight are saved right after it.

/** AUTOSAVE_DELAY is how long changes must pause before a save, in milliseconds. */
export const AUTOSAVE_DELAY = 800;

/** Saver tracks a document's saved state: 'saved', 'dirty', 'saving' or 'error'. */
export class Saver {
  /**
   * @param {() => Promise<void>} save writes the document
   * @param {(state: string, err?: Error) => void} onState hears every state change
   */
  constructor(save, onState) {
    this.save = save;
    this.onState = onState;
    this.state = 'saved';
    this.pending = false; // changed since the last save began
    this.running = null; // the save loop, while it runs
    this.timer = 0;
  }

  set(state, err) {
    this.state = state;
    this.onState(state, err);
  }

  /** changed marks the document dirty and schedules a save. */
  changed() {
    this.pending = true;
    if (!this.running) this.set('dirty');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), AUTOSAVE_DELAY);
  }

  /** flush saves now if there are unsaved changes; it resolves once they are saved. */
  flush() {
    clearTimeout(this.timer);
    if (!this.running) this.running = this.loop().finally(() => { this.running = null; });
    return this.running;
  }

  async loop() {
    if (!this.pending) return;
    while (this.pending) {
      this.pending = false;
      this.set('saving');
      try {
        await this.save();
      } catch (err) {
        this.pending = true; // the next change or flush tries again
        this.set('error', err);
        return;
      }
    }
    this.set('saved');
  }

  /** dirty reports whether some change is not saved yet. */
  get dirty() {
    return this.pending || this.running !== null;
  }
}
