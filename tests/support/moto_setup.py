"""Prepares the test S3 server (moto) so that it checks signatures like a real one.

moto runs with INITIAL_NO_AUTH_ACTION_COUNT=3: the first three requests (IAM user, access key,
policy) pass unauthenticated; after them every request must carry a valid SigV4 signature from a
known key. The buckets are then created with the new key. Prints the key as JSON.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
common = dict(endpoint_url=endpoint, region_name="us-east-1")
iam = boto3.client("iam", aws_access_key_id="AKIASETUP", aws_secret_access_key="setup", **common)
iam.create_user(UserName="smoke")
key = iam.create_access_key(UserName="smoke")["AccessKey"]
iam.put_user_policy(
    UserName="smoke",
    PolicyName="s3",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    ),
)
s3 = boto3.client(
    "s3",
    aws_access_key_id=key["AccessKeyId"],
    aws_secret_access_key=key["SecretAccessKey"],
    **common,
)
for bucket in sys.argv[2:]:
    s3.create_bucket(Bucket=bucket)
print(json.dumps({"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}))
