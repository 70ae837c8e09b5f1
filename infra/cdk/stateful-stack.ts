import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { PATIENT_KEY_TABLE, patientKeyTableName } from '../../shared/adapters/dynamodb/patient-key-table.js';
import { CELL_TABLE, cellTableName } from '../../shared/adapters/dynamodb/table-definition.js';
import type { Jurisdiction } from '../../shared/domain/policy/model.js';
import { DigestBucket, digestBucketName, digestLockYears } from './constructs/digest-bucket.js';
import { HimUserPool } from './constructs/him-user-pool.js';

export interface StatefulStackProps extends StackProps {
  jurisdiction: Jurisdiction;
  /** Create a Cognito user pool for HIM sign-in (when no external issuer is configured). */
  createUserPool: boolean;
  /** Repository root, for bundling the user pool's trigger. */
  projectRoot: string;
  /** Object Lock retention of the digests in COMPLIANCE mode, in years (at least six). */
  digestRetentionYears: number;
}

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
/**
 * What a cell keeps: its single-Region keys, its table, its digest bucket, its
 * secrets and (by default) its HIM user pool. Everything is retained on stack deletion.
 */
export class StatefulStack extends Stack {
  readonly cellId: string;
  readonly key: Key;
  readonly digestSigningKey: Key;
  readonly digestBucket: DigestBucket;
  readonly table: TableV2;
  /** Per-patient keys (crypto-shredding): apart from the data table, with a short backup window of its own. */
  readonly patientKeyTable: TableV2;
  readonly pseudonymKeySecret: Secret;
  readonly smartPrivateKeySecret: Secret;
  readonly forwardingSecret: Secret;
  readonly userPool: HimUserPool | undefined;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const cell = props.jurisdiction.id;
    this.cellId = cell;

    this.key = new Key(this, 'CellKey', {
      description: `visitbridge ${cell}: wraps note data keys and encrypts the cell's table and secrets`,
      alias: `alias/visitbridge/${cell}`,
      enableKeyRotation: true,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The logical id predates the audit-log digests: keeping it keeps the deployed key.
    this.digestSigningKey = new Key(this, 'LedgerSigningKey', {
      description: `visitbridge ${cell}: signs the digests of the transfers ledger and the HIM audit log (ECDSA P-256); only the digest function may sign`,
      alias: `alias/visitbridge/${cell}/digest-signing`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      multiRegion: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.digestBucket = new DigestBucket(this, 'Digests', {
      cellId: cell,
      bucketName: digestBucketName(cell, this.account, this.region),
      retentionYears: digestLockYears(props.digestRetentionYears, props.jurisdiction.retention.days.digests),
    });

    const [gsi1, gsi2] = CELL_TABLE.globalIndexes;
    this.table = new TableV2(this, 'Table', {
      tableName: cellTableName(cell),
      partitionKey: stringKey(CELL_TABLE.partitionKey),
      sortKey: stringKey(CELL_TABLE.sortKey),
      globalSecondaryIndexes: [gsi1, gsi2].map((g) => ({
        indexName: g.name,
        partitionKey: stringKey(g.partitionKey),
        sortKey: stringKey(g.sortKey),
      })),
      timeToLiveAttribute: CELL_TABLE.ttlAttribute,
      dynamoStream: StreamViewType[CELL_TABLE.streamView],
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Apart from the data table so that restoring the data table never restores a destroyed key;
    // its own point-in-time backups expire after PATIENT_KEY_TABLE.recoveryDays and no backup plan copies it.
    this.patientKeyTable = new TableV2(this, 'PatientKeys', {
      tableName: patientKeyTableName(cellTableName(cell)),
      partitionKey: stringKey(PATIENT_KEY_TABLE.partitionKey),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: PATIENT_KEY_TABLE.recoveryDays,
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const vault = new BackupVault(this, 'BackupVault', {
      backupVaultName: `visitbridge-${cell}`,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupPlanName: `visitbridge-${cell}`,
      backupVault: vault,
    });
    plan.addRule(BackupPlanRule.daily());
    plan.addRule(BackupPlanRule.monthly1Year());
    const selection = plan.addSelection('Table', {
      resources: [BackupResource.fromArn(this.table.tableArn)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'AWS Backup needs its service-role managed policy to snapshot the table; AWS maintains it for new backup features.',
    });

    this.pseudonymKeySecret = new Secret(this, 'PseudonymKey', {
      secretName: `visitbridge/${cell}/pseudonym-key`,
      description: `visitbridge ${cell}: cell-local HMAC key for pseudonymous patient references in the ledger`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNoRotation(
      this.pseudonymKeySecret,
      'Rotating the pseudonymisation key would change every pseudonymous patient reference and break ledger queries across the rotation; it is changed only by a planned re-keying.',
    );

    this.smartPrivateKeySecret = new Secret(this, 'SmartPrivateKey', {
      secretName: `visitbridge/${cell}/smart/private-key`,
      description: `visitbridge ${cell}: SMART Backend Services client keys as JSON {"ES384": "<PKCS8 PEM>", "RS384": "<PKCS8 PEM>"}; the operator replaces the generated placeholder`,
      encryptionKey: this.key,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ kid: `visitbridge-${cell}`, alg: 'ES384' }),
        generateStringKey: 'unset',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNoRotation(
      this.smartPrivateKeySecret,
      'A SMART client key is rotated by registering the new public key with each EHR first; that is an operator procedure (docs/deploy.md), not a Lambda rotation.',
    );

    // A generated password is never a valid `whsec_` value: ingest refuses to start until the operator
    // puts the one forwarding secret all cells share (docs/deploy.md), so a cell cannot forward unsigned.
    this.forwardingSecret = new Secret(this, 'ForwardingSecret', {
      secretName: `visitbridge/${cell}/forwarding`,
      description: `visitbridge ${cell}: cell-to-cell forwarding secret(s), whitespace-separated whsec_ values, the same in every cell (the first signs); the operator replaces the generated placeholder`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNoRotation(
      this.forwardingSecret,
      'Every cell must hold the same forwarding secret; a rotation Lambda in one region would split the cells. It is rotated by the documented overlap procedure (new secret first in every cell, then drop the old one; docs/deploy.md).',
    );

    this.userPool = props.createUserPool
      ? new HimUserPool(this, 'HimUsers', {
          cellId: cell,
          projectRoot: props.projectRoot,
          loginDomainPrefix: `visitbridge-${cell}-${this.account}`,
        })
      : undefined;
  }
}

function acknowledgeNoRotation(secret: Secret, reason: string): void {
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
  Validations.of(secret).acknowledge({ id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason });
}
