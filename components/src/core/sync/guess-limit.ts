/**
 * The inviter's limit on password guesses, enforced where guesses are checked rather than counted after they fail:
 * y-webrtc accepts any number of incoming connections, each with its own gate, so a share-code holder can open
 * many at once and send a guess on each. Every guess that reaches `judge` uses up one of the budget before anything
 * is checked; one is checked at a time, and a guess that arrives while another is being checked is refused
 * unchecked; once a guess was right, or the budget is spent, or the invite closed, nothing more is checked.
 */
export interface GuessLimitOptions {
  /** Guesses an invite allows in all, checked or refused. */
  budget: number;
  /** Whether the invite still accepts guesses (not expired, cancelled or completed). */
  isOpen: () => boolean;
  /** A guess was refused; `left` guesses remain. Called before `onExhausted` for the last one. */
  onRefused: (left: number) => void;
  /** The budget is spent: the invite must close. */
  onExhausted: () => void;
}

export class GuessLimit {
  #spent = 0;
  #checking = false;
  #granted = false;

  constructor(private readonly options: GuessLimitOptions) {}

  /** Guesses used so far. */
  get spent(): number {
    return this.#spent;
  }

  /**
   * Runs `check` on a guess if the invite is open, the budget allows, no other guess is being checked and none was
   * right yet; true only if it ran and said so. A `check` that throws counts as a wrong guess.
   */
  async judge(check: () => Promise<boolean>): Promise<boolean> {
    const { budget, isOpen } = this.options;
    if (!isOpen() || this.#granted || this.#spent >= budget) return false;
    this.#spent += 1;
    if (this.#checking) return this.#refuse();
    this.#checking = true;
    let right = false;
    try {
      right = await check();
    } catch {
      right = false;
    } finally {
      this.#checking = false;
    }
    // The invite may have closed (locked by guesses refused meanwhile, expired) while this one was checked.
    if (!right || !isOpen()) return this.#refuse();
    this.#granted = true;
    return true;
  }

  #refuse(): false {
    const left = Math.max(0, this.options.budget - this.#spent);
    this.options.onRefused(left);
    if (left === 0) this.options.onExhausted();
    return false;
  }
}
