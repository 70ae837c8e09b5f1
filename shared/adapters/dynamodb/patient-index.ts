import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { AppError } from '../../domain/errors.js';
import type { PatientIndex } from '../../ports/patient-index.js';
import { PATIENT_INDEX, patientIndexKey } from './keys.js';

/** The cell table's gsi2: each note version is indexed under `PATIENT#<pt_ref>` when it is accepted. */
export class DynamoPatientIndex implements PatientIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async holdsNotesOf(patientRef: string): Promise<boolean> {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: PATIENT_INDEX,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': patientIndexKey(patientRef) }),
          Limit: 1,
          Select: 'COUNT',
        }),
      )
      .catch((error: unknown) => {
        throw new AppError('storage-unavailable', 'patient index read failed', {}, { cause: error });
      });
    return (out.Count ?? 0) > 0;
  }
}
