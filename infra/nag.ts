import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the cdk-nag AwsSolutions findings that come from constructs CDK creates for us (the
 * S3 notification handler, the scheduler's invoke roles), each with the reason it is acceptable.
 * Findings on our own resources are acknowledged next to the resource (infra/lambda-defaults.ts, infra/stack.ts).
 */
export function acknowledgeGeneratedConstructFindings(stack: Stack): void {
  for (const child of stack.node.findAll()) {
    const id = child.node.id;
    if (id.startsWith('BucketNotificationsHandler')) {
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's singleton handler that configures the bucket's event notifications at deploy time; its role " +
          'and managed policy are set by aws-cdk-lib and it never touches object data.',
      });
    }
    if (id.startsWith('SchedulerRoleForTarget')) acknowledgeSchedulerRole(child);
  }
}

function acknowledgeSchedulerRole(role: IConstruct): void {
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.tryFindChild('Resource');
  const resolved = policy
    ? Stack.of(role).resolve((policy as unknown as { policyDocument: unknown }).policyDocument)
    : {};
  const resources = JSON.stringify(resolved).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g) ?? [];
  for (const match of resources) {
    const logicalId = /\["([A-Za-z0-9]+)"/.exec(match)?.[1];
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        'EventBridge Scheduler invoke role created by aws-scheduler-targets: lambda:InvokeFunction on one ' +
        'function and its versions/aliases (the :* suffix), nothing else.',
    });
  }
}
