/**
 * A job's cancel flag in shared memory, so a cancel reaches a task that is
 * busy in synchronous code.
 *
 * Why: a task worker learns of a cancel from a message, and a message is only
 * delivered when the worker's event loop turns. Most of the ML code (fitting a
 * tree, an SVM, a logistic regression, reading a dataset) runs for seconds
 * without yielding, so its `signal.aborted` checks never saw the abort and
 * every such cancel waited for the pool's terminate deadline. The pool now
 * raises this flag (Atomics) before it posts the cancel message, and the
 * worker's signal reads the flag each time `aborted` or `throwIfAborted()` is
 * asked: the first check after the click trips the signal, with its usual
 * 'abort' event, wherever the task is.
 */

/** A fresh, lowered flag (one Int32 in a SharedArrayBuffer; it is cloned by reference into the worker). */
export function newCancelFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function raiseCancelFlag(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

export function isCancelFlagRaised(flag: Int32Array): boolean {
  return Atomics.load(flag, 0) !== 0;
}

const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
const nativeThrowIfAborted = AbortSignal.prototype.throwIfAborted;

/**
 * Make `controller.signal` follow `flag`: reading `signal.aborted` (or calling
 * `signal.throwIfAborted()`) after the flag was raised aborts the controller
 * first, so listeners run and the check answers true, even when the cancel
 * message has not been delivered yet. Returns the signal.
 */
export function linkCancelFlag(controller: AbortController, flag: Int32Array): AbortSignal {
  const signal = controller.signal;
  if (!abortedGetter) return signal;
  const sync = (): boolean => {
    const aborted = abortedGetter.call(signal) as boolean;
    if (aborted || Atomics.load(flag, 0) === 0) return aborted;
    controller.abort();
    return true;
  };
  Object.defineProperty(signal, 'aborted', { configurable: true, enumerable: true, get: sync });
  Object.defineProperty(signal, 'throwIfAborted', {
    configurable: true,
    value: function throwIfAborted(): void {
      sync();
      nativeThrowIfAborted.call(signal);
    },
  });
  return signal;
}
