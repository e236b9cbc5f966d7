import { Stack, Validations } from 'aws-cdk-lib';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the cdk-nag AwsSolutions findings that come from constructs CDK creates for us (the
 * S3 notification handler, the scheduler's invoke roles, the state machine's role), each with the reason
 * it is acceptable.
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
    if (child instanceof StateMachine) acknowledgeStateMachineRole(child);
  }
}

type PolicyStatementJson = { Action: string | string[]; Resource: unknown };

function defaultPolicyOf(role: IConstruct): { Statement?: PolicyStatementJson[] } {
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.tryFindChild('Resource');
  return policy ? Stack.of(role).resolve((policy as unknown as { policyDocument: unknown }).policyDocument) : {};
}

/** Logical ids of the functions a policy grants something on by `Fn::GetAtt [id, 'Arn']`. */
function functionArnsIn(document: unknown): string[] {
  const matches = JSON.stringify(document).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g) ?? [];
  return [...new Set(matches.map((match) => /\["([A-Za-z0-9]+)"/.exec(match)?.[1] as string))];
}

function acknowledgeSchedulerRole(role: IConstruct): void {
  for (const logicalId of functionArnsIn(defaultPolicyOf(role))) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        'EventBridge Scheduler invoke role created by aws-scheduler-targets: lambda:InvokeFunction on one ' +
        'function and its versions/aliases (the :* suffix), nothing else.',
    });
  }
}

/**
 * The actions Step Functions needs to deliver its logs to CloudWatch Logs; IAM offers them on `*` only
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

function acknowledgeStateMachineRole(stateMachine: StateMachine): void {
  const document = defaultPolicyOf(stateMachine.role);
  for (const logicalId of functionArnsIn(document)) {
    Validations.of(stateMachine.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      reason:
        "State machine role created by aws-stepfunctions-tasks' LambdaInvoke: lambda:InvokeFunction on the " +
        "function its task calls and that function's versions/aliases (the :* suffix), nothing else.",
    });
  }
  // Acknowledged only while every action on `*` is a log-delivery action: anything else stays a finding.
  const onEverything = (document.Statement ?? []).filter((statement) => [statement.Resource].flat().includes('*'));
  const actions = onEverything.flatMap((statement) => [statement.Action].flat());
  if (actions.length > 0 && actions.every((action) => LOG_DELIVERY_ACTIONS.includes(action))) {
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery to CloudWatch Logs (logs:*LogDelivery*, resource policies, DescribeLogGroups): ' +
        'IAM supports these actions only on Resource "*"; they configure delivery, they read no log data.',
    });
  }
}
