"""Small boto3 commands against the AWS emulator, for tools/terraform/rehearse (prints JSON on stdout).

  aws_emulator.py ENDPOINT inventory                 every resource of the kinds the stacks create
  aws_emulator.py ENDPOINT ensure-bucket NAME        the bucket, unless it exists (when account-setup does not make it)
  aws_emulator.py ENDPOINT delete-bucket NAME        an empty bucket
  aws_emulator.py ENDPOINT delete-bucket-policy NAME the bucket's policy (lifting a gap, see emulator-gaps.ts)
  aws_emulator.py ENDPOINT get-object BUCKET KEY     {"exists": bool, "body": str | null}
  aws_emulator.py ENDPOINT delete-objects BUCKET PREFIX   every version and delete marker under PREFIX
  aws_emulator.py ENDPOINT conditional-write BUCKET  does a second PutObject with If-None-Match: * fail?
  aws_emulator.py ENDPOINT probe-gaps                is each API of docs/aws-emulator-gaps.md still missing?
  aws_emulator.py ENDPOINT state-keys BUCKET         the keys in BUCKET with their number of versions and delete markers
"""

import io
import json
import sys
import zipfile
import urllib.error
import urllib.request

import boto3
from botocore.exceptions import ClientError

REGION = "us-east-1"


def client(endpoint, service):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="rehearsal",
        aws_secret_access_key="rehearsal",
    )


def pages(endpoint, service, operation, key, **kwargs):
    paginator = client(endpoint, service).get_paginator(operation)
    return [item for page in paginator.paginate(**kwargs) for item in page.get(key, [])]


def inventory(endpoint):
    s3 = client(endpoint, "s3")
    buckets = {}
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        versions = pages(endpoint, "s3", "list_object_versions", "Versions", Bucket=name)
        buckets[name] = sorted({v["Key"] for v in versions})
    apigateway = client(endpoint, "apigateway")
    return {
        "s3_buckets": buckets,
        "dynamodb_tables": pages(endpoint, "dynamodb", "list_tables", "TableNames"),
        "lambda_functions": [f["FunctionName"] for f in pages(endpoint, "lambda", "list_functions", "Functions")],
        "lambda_event_source_mappings": [
            m["UUID"] for m in pages(endpoint, "lambda", "list_event_source_mappings", "EventSourceMappings")
        ],
        "sqs_queues": client(endpoint, "sqs").list_queues().get("QueueUrls", []),
        "sns_topics": [t["TopicArn"] for t in pages(endpoint, "sns", "list_topics", "Topics")],
        "apigateway_rest_apis": [a["name"] for a in pages(endpoint, "apigateway", "get_rest_apis", "items")],
        "apigateway_api_keys": [k["id"] for k in pages(endpoint, "apigateway", "get_api_keys", "items")],
        "apigateway_usage_plans": [p["id"] for p in pages(endpoint, "apigateway", "get_usage_plans", "items")],
        "apigateway_account_cloudwatch_role": apigateway.get_account().get("cloudwatchRoleArn"),
        "iam_roles": [r["RoleName"] for r in pages(endpoint, "iam", "list_roles", "Roles")],
        "log_groups": [g["logGroupName"] for g in pages(endpoint, "logs", "describe_log_groups", "logGroups")],
        "cloudwatch_alarms": [
            a["AlarmName"] for a in pages(endpoint, "cloudwatch", "describe_alarms", "MetricAlarms")
        ],
    }


def ensure_bucket(endpoint, bucket):
    s3 = client(endpoint, "s3")
    try:
        s3.head_bucket(Bucket=bucket)
        return {"created": False}
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise
    s3.create_bucket(Bucket=bucket)
    return {"created": True}


def get_object(endpoint, bucket, key):
    try:
        body = client(endpoint, "s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        return {"exists": True, "body": body}
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return {"exists": False, "body": None}
        raise


def delete_objects(endpoint, bucket, prefix):
    s3 = client(endpoint, "s3")
    kwargs = {"Bucket": bucket, "Prefix": prefix}
    entries = pages(endpoint, "s3", "list_object_versions", "Versions", **kwargs) + pages(
        endpoint, "s3", "list_object_versions", "DeleteMarkers", **kwargs
    )
    for entry in entries:
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
    return {"deleted": sorted({e["Key"] for e in entries}), "versions": len(entries)}


def state_keys(endpoint, bucket):
    kwargs = {"Bucket": bucket}
    keys = {}
    for kind in ("Versions", "DeleteMarkers"):
        for entry in pages(endpoint, "s3", "list_object_versions", kind, **kwargs):
            keys.setdefault(entry["Key"], {"Versions": 0, "DeleteMarkers": 0})[kind] += 1
    return keys


def conditional_write(endpoint, bucket):
    """The S3 feature Terraform's use_lockfile relies on: create an object only if it does not exist."""
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=bucket)
    key = "probe.tflock"
    s3.put_object(Bucket=bucket, Key=key, Body=b"first", IfNoneMatch="*")
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"second", IfNoneMatch="*")
        second = "accepted"
    except ClientError as error:
        second = error.response["Error"]["Code"]
    kept = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
    return {"second_put": second, "kept": kept, "supported": second == "PreconditionFailed" and kept == "first"}


def cloudwatch_cbor_gap(endpoint):
    """The AWS SDK for Go v2 calls CloudWatch only in the Smithy RPC v2 CBOR protocol."""
    request = urllib.request.Request(
        f"{endpoint}/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
        data=b"\xa0",  # an empty CBOR map
        method="POST",
        headers={
            "smithy-protocol": "rpc-v2-cbor",
            "Content-Type": "application/cbor",
            "Accept": "application/cbor",
            "Authorization": "AWS4-HMAC-SHA256 Credential=rehearsal/20260101/us-east-1/monitoring/aws4_request, "
            "SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return {"present": False, "evidence": f"CBOR DescribeAlarms answered HTTP {response.status}"}
    except urllib.error.HTTPError as error:
        return {"present": error.code == 404, "evidence": f"CBOR DescribeAlarms answered HTTP {error.code}"}


def sqs_redrive_allow_policy_gap(endpoint):
    """aws_sqs_queue_redrive_allow_policy sets the attribute, then reads it back until it matches."""
    sqs = client(endpoint, "sqs")
    url = sqs.create_queue(QueueName="rehearsal-redrive-allow-probe")["QueueUrl"]
    policy = json.dumps({"redrivePermission": "allowAll"})
    try:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": policy})
        got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedriveAllowPolicy"])
        kept = got.get("Attributes", {}).get("RedriveAllowPolicy")
        return {"present": kept is None, "evidence": f"GetQueueAttributes RedriveAllowPolicy -> {kept!r}"}
    except ClientError as error:
        return {"present": True, "evidence": f"GetQueueAttributes RedriveAllowPolicy -> {error.response['Error']['Code']}: {error.response['Error']['Message']}"}
    finally:
        sqs.delete_queue(QueueUrl=url)


def lambda_logging_config_gap(endpoint):
    """aws_lambda_function reads logging_config back from GetFunction after creating the function."""
    iam = client(endpoint, "iam")
    role = iam.create_role(
        RoleName="rehearsal-logging-config-probe",
        AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}
        ),
    )["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.js", "exports.handler = async () => ({});")
    lam = client(endpoint, "lambda")
    name = "rehearsal-logging-config-probe"
    try:
        lam.create_function(
            FunctionName=name, Runtime="nodejs20.x", Role=role, Handler="index.handler",
            Code={"ZipFile": archive.getvalue()},
            LoggingConfig={"LogFormat": "JSON", "LogGroup": "/aws/lambda/rehearsal-logging-config-probe"},
        )
        kept = lam.get_function_configuration(FunctionName=name).get("LoggingConfig")
        return {"present": not kept, "evidence": f"GetFunctionConfiguration LoggingConfig -> {kept!r}"}
    finally:
        lam.delete_function(FunctionName=name)
        iam.delete_role(RoleName="rehearsal-logging-config-probe")


def sqs_redrive_policy_format_gap(endpoint):
    """The provider compares RedrivePolicy as read back with the compact JSON it sent."""
    sqs = client(endpoint, "sqs")
    dlq = sqs.create_queue(QueueName="rehearsal-redrive-format-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sent = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    url = sqs.create_queue(QueueName="rehearsal-redrive-format", Attributes={"RedrivePolicy": sent})["QueueUrl"]
    try:
        got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
        return {"present": got != sent, "evidence": f"sent {sent}, GetQueueAttributes returned {got}"}
    finally:
        sqs.delete_queue(QueueUrl=url)
        sqs.delete_queue(QueueUrl=dlq)


def apigateway_account_reset_gap(endpoint):
    """Destroying aws_api_gateway_account resets the role: UpdateAccount replace /cloudwatchRoleArn, no value."""
    from botocore.config import Config

    apigateway = boto3.client(
        "apigateway", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="rehearsal",
        aws_secret_access_key="rehearsal", config=Config(retries={"max_attempts": 1}),
    )
    try:
        apigateway.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn"}])
        return {"present": False, "evidence": "UpdateAccount replace /cloudwatchRoleArn (no value) succeeded"}
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return {"present": True, "evidence": f"UpdateAccount replace /cloudwatchRoleArn (no value) -> HTTP {status}"}
    except Exception as error:  # moto's HTML error page is no JSON: botocore fails to parse it
        return {"present": True, "evidence": f"UpdateAccount replace /cloudwatchRoleArn (no value) -> {type(error).__name__}: {str(error)[:200]}"}


def s3_create_bucket_tags_gap(endpoint):
    """The provider tags a new bucket in CreateBucket itself (CreateBucketConfiguration.Tags)."""
    s3 = client(endpoint, "s3")
    bucket = "rehearsal-create-bucket-tags-probe"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"Tags": [{"Key": "probe", "Value": "kept"}]})
    try:
        kept = s3.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    except ClientError as error:
        kept = error.response["Error"]["Code"]
    finally:
        s3.delete_bucket(Bucket=bucket)
    return {"present": kept != [{"Key": "probe", "Value": "kept"}],
            "evidence": f"CreateBucket with CreateBucketConfiguration.Tags, then GetBucketTagging -> {kept!r}"}


def s3_conditional_deny_gap(endpoint):
    """A Deny whose condition does not hold does not apply (IAM policy evaluation logic).

    Over plain HTTP aws:SecureTransport is false, so a Deny on the condition that it is true must not stop
    a GetObject. moto denies it: it evaluates every statement whose condition fails as a Deny.
    """
    s3 = client(endpoint, "s3")
    bucket = "rehearsal-conditional-deny-probe"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="probe", Body=b"probe")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }],
    }))
    try:
        s3.get_object(Bucket=bucket, Key="probe")["Body"].read()
        answer = "200"
    except ClientError as error:
        answer = str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
    finally:
        s3.delete_bucket_policy(Bucket=bucket)
        s3.delete_object(Bucket=bucket, Key="probe")
        s3.delete_bucket(Bucket=bucket)
    return {"present": answer == "403",
            "evidence": f"GetObject over HTTP under Deny when aws:SecureTransport is true -> HTTP {answer}"}


def sqs_set_attributes_policy_gap(endpoint):
    """SetQueueAttributes changes only the attributes it names: a queue's Policy survives setting another one."""
    sqs = client(endpoint, "sqs")
    url = sqs.create_queue(QueueName="rehearsal-set-attributes-probe")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}]})
    try:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
        kept = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}).get("Policy")
        return {"present": not kept,
                "evidence": f"SetQueueAttributes VisibilityTimeout only, then GetQueueAttributes Policy -> {kept!r}"}
    finally:
        sqs.delete_queue(QueueUrl=url)


def s3_delete_version_suspended_gap(endpoint):
    """DeleteObject of a version works whatever the bucket's versioning state (Enabled or Suspended)."""
    from botocore.config import Config

    s3 = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="rehearsal",
        aws_secret_access_key="rehearsal", config=Config(retries={"max_attempts": 1}),
    )
    bucket = "rehearsal-suspended-versioning-probe"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="state", Body=b"one")
    s3.delete_object(Bucket=bucket, Key="state")  # a delete marker, as a released lock leaves
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    entries = pages(endpoint, "s3", "list_object_versions", "Versions", Bucket=bucket) + pages(
        endpoint, "s3", "list_object_versions", "DeleteMarkers", Bucket=bucket
    )
    answers = []
    for entry in entries:
        try:
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
            answers.append("204")
        except ClientError as error:
            answers.append(str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")))
    # With versioning enabled again, moto deletes them: the probe leaves nothing behind.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    delete_objects(endpoint, bucket, "")
    s3.delete_bucket(Bucket=bucket)
    return {"present": any(answer == "500" for answer in answers),
            "evidence": f"DeleteObject of each version and delete marker after versioning was suspended -> HTTP {', '.join(answers)}"}


GAP_PROBES = {
    "apigateway-account-reset": apigateway_account_reset_gap,
    "sqs-redrive-policy-format": sqs_redrive_policy_format_gap,
    "cloudwatch-cbor": cloudwatch_cbor_gap,
    "sqs-redrive-allow-policy": sqs_redrive_allow_policy_gap,
    "lambda-logging-config": lambda_logging_config_gap,
    "s3-create-bucket-tags": s3_create_bucket_tags_gap,
    "s3-conditional-deny": s3_conditional_deny_gap,
    "sqs-set-attributes-policy": sqs_set_attributes_policy_gap,
    "s3-delete-version-suspended": s3_delete_version_suspended_gap,
}


def main(argv):
    endpoint, command, *args = argv
    if command == "inventory":
        result = inventory(endpoint)
    elif command == "ensure-bucket":
        result = ensure_bucket(endpoint, args[0])
    elif command == "delete-bucket":
        client(endpoint, "s3").delete_bucket(Bucket=args[0])
        result = {"deleted": args[0]}
    elif command == "delete-bucket-policy":
        client(endpoint, "s3").delete_bucket_policy(Bucket=args[0])
        result = {"deleted_policy_of": args[0]}
    elif command == "get-object":
        result = get_object(endpoint, *args)
    elif command == "conditional-write":
        result = conditional_write(endpoint, *args)
    elif command == "probe-gaps":
        result = {name: probe(endpoint) for name, probe in GAP_PROBES.items()}
    elif command == "state-keys":
        result = state_keys(endpoint, args[0])
    elif command == "delete-objects":
        result = delete_objects(endpoint, *args)
    else:
        raise SystemExit(f"unknown command {command}")
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
