// The same from CommonJS, and tophash/eslint, which needs nothing at run time
// (not even eslint), from both module systems.
let prometheus = 'loaded';
try {
  require('tophash/prometheus');
} catch (e) {
  prometheus = e.message;
}
const plugin = require('tophash/eslint');
import('tophash/eslint').then((esm) => {
  console.log(JSON.stringify({
    prometheus,
    cjsRules: Object.keys(plugin.rules),
    cjsRecommended: plugin.configs.recommended.rules,
    esmRules: Object.keys(esm.default.rules),
  }));
});
