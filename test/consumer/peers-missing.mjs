// tophash/prometheus in a project without prom-client (an optional peer
// dependency): the static import itself must fail, saying what to install.
import { trackMaps } from 'tophash/prometheus';

console.log(typeof trackMaps);
