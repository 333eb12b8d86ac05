import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { CAPTURE_DOCUMENT_NAME, captureDocumentContent } from '../../workflow/domain/ec2/capture-document';

/**
 * The stack-owned "Airlock-Capture" SSM Command document (fixed commands, typed parameters), with the content
 * workflow/domain/ec2/capture-document.ts defines. It is the only document SendCommand is granted on. A content
 * change publishes a new default version in place (UpdateMethod NewVersion) instead of replacing the named document.
 */
export class CaptureDocument extends Construct {
  readonly name: string = CAPTURE_DOCUMENT_NAME;
  readonly document: ssm.CfnDocument;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.document = new ssm.CfnDocument(this, 'Document', {
      name: CAPTURE_DOCUMENT_NAME,
      documentType: 'Command',
      content: captureDocumentContent(),
      updateMethod: 'NewVersion',
    });
  }
}
