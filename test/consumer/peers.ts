// The subpath declarations, type-checked as a TypeScript user sees them.
import { Registry } from 'prom-client';
import { CounterMap, IntCounterMap } from 'tophash';
import tophash from 'tophash/eslint';
import { trackMaps, type TrackMapsOptions } from 'tophash/prometheus';

const options: TrackMapsOptions = { register: new Registry(), prefix: 'app_' };
const stop: () => void = trackMaps({ a: new CounterMap(), b: new IntCounterMap() }, options);
stop();
trackMaps(() => ({ a: new CounterMap() }))();
// @ts-expect-error a Map is not a tophash map
trackMaps({ a: new Map<string, number>() });
// @ts-expect-error the prefix is a string
trackMaps({}, { prefix: 1 });
const ruleNames: string[] = Object.keys(tophash.rules);
export { ruleNames };
