// @aws-sdk/client-kms, loaded with require() (see infra/bundling.ts); the name is built so esbuild leaves it external.
module.exports = require(['@aws-sdk', 'client-kms'].join('/'));
