import { DigestEnv } from '../../../functions/digest/env.js';
import { parseEnv } from '../../../shared/config/env.js';

const AWS = {
  CELL_ID: 'uk',
  TABLE_NAME: 'visitbridge-uk',
  POLICY_FILE: '/var/task/policy.json',
  AWS_REGION: 'eu-west-2',
  DIGEST_KEY_ARN: 'arn:aws:kms:eu-west-2:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  DIGEST_BUCKET: 'visitbridge-uk-digests-111122223333-eu-west-2',
};

describe('DigestEnv', () => {
  it('reads the AWS settings: key ARN and bucket, log level INFO by default', () => {
    // Act
    const env = parseEnv(DigestEnv, AWS);
    // Assess
    expect(env).toMatchObject({ ...AWS, LOG_LEVEL: 'INFO' });
  });

  it('reads the local settings: key file and anchor folder instead', () => {
    // Prepare
    const { DIGEST_KEY_ARN: _arn, DIGEST_BUCKET: _bucket, ...rest } = AWS;
    // Act
    const env = parseEnv(DigestEnv, {
      ...rest,
      DIGEST_KEY_FILE: '/data/keys/uk.digest.pem',
      DIGEST_ANCHOR_DIR: '/data/digests',
    });
    // Assess
    expect(env).toMatchObject({
      DIGEST_KEY_FILE: '/data/keys/uk.digest.pem',
      DIGEST_ANCHOR_DIR: '/data/digests',
    });
  });

  it.each([
    [
      'both a key ARN and a key file',
      { DIGEST_KEY_FILE: '/k.pem' },
      /DIGEST_KEY_ARN: set exactly one of DIGEST_KEY_ARN and DIGEST_KEY_FILE/,
    ],
    ['no key at all', { DIGEST_KEY_ARN: undefined }, /set exactly one of DIGEST_KEY_ARN and DIGEST_KEY_FILE/],
    [
      'both a bucket and a folder',
      { DIGEST_ANCHOR_DIR: '/d' },
      /DIGEST_BUCKET: set exactly one of DIGEST_BUCKET and DIGEST_ANCHOR_DIR/,
    ],
    [
      'no anchor at all',
      { DIGEST_BUCKET: undefined },
      /set exactly one of DIGEST_BUCKET and DIGEST_ANCHOR_DIR/,
    ],
    ['a bucket name S3 would refuse', { DIGEST_BUCKET: 'Digests_UK' }, /DIGEST_BUCKET/],
  ])('refuses %s, naming the variable', (_what, change, message) => {
    // Act
    const parse = () => parseEnv(DigestEnv, { ...AWS, ...change });
    // Assess
    expect(parse).toThrow(message);
  });
});
