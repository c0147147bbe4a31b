// Counts that go back to 0 and stay in the Map.
const inFlight = new Map();

export function start(host) {
  inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
}

export function finish(host) {
  inFlight.set(host, inFlight.get(host) - 1);
}
