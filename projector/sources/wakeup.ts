/** A resettable signal: `wait(ms)` resolves on the next `wake()` or after `ms`, whichever comes first. */
export const createWakeup = () => {
  let pending: (() => void) | null = null;
  let woken = false;
  return {
    wake() {
      woken = true;
      pending?.();
    },
    wait(ms: number) {
      if (woken) {
        woken = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          pending = null;
          woken = false;
          resolve();
        }
        pending = done;
      });
    },
  };
};
