// tophash/prometheus with prom-client installed: the README's example.
import { Registry } from 'prom-client';
import { CounterMap } from 'tophash';
import { trackMaps } from 'tophash/prometheus';

const register = new Registry();
const words = new CounterMap();
words.incrMany(['to', 'be', 'or', 'not', 'to', 'be']);
const stop = trackMaps({ words }, { register });
process.stdout.write(await register.metrics());
stop();
