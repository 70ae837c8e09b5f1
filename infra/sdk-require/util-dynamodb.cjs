// @aws-sdk/util-dynamodb, loaded with require() (see infra/bundling.ts); the name is built so esbuild leaves it external.
module.exports = require(['@aws-sdk', 'util-dynamodb'].join('/'));
