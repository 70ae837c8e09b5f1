// @aws-sdk/client-s3, loaded with require() (see infra/bundling.ts); the name is built so esbuild leaves it external.
module.exports = require(['@aws-sdk', 'client-s3'].join('/'));
