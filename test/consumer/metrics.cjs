// The same from CommonJS.
const { Registry } = require('prom-client');
const { IntCounterMap } = require('tophash');
const { trackMaps } = require('tophash/prometheus');

const register = new Registry();
const ids = new IntCounterMap();
ids.incrMany([1, 2, 3]);
trackMaps({ ids }, { register, prefix: 'app_' });
register.metrics().then((text) => process.stdout.write(text));
