#!/usr/bin/env bash
# Deletes every object version and every delete marker in the versioned state bucket, so that
# `cdktf destroy account-setup` can delete the bucket (S3 refuses to delete a bucket that holds any version:
# 409 BucketNotEmpty). Run it only after the application stacks are destroyed: it deletes their state too.
# Needs the AWS CLI and the deploy's credentials. Usage: bash tools/terraform/empty-state-bucket.sh BUCKET
set -euo pipefail
bucket="${1:?usage: empty-state-bucket.sh BUCKET}"
versions='[Versions, DeleteMarkers][]'
list() { aws s3api list-object-versions --bucket "$bucket" --max-items 1000 "$@"; }
# At most 1000 keys per DeleteObjects call, so the listing starts over until nothing is left.
while [ "$(list --query "length($versions)" --output text)" != 0 ]; do
  errors="$(aws s3api delete-objects --bucket "$bucket" --output text --query 'length(Errors || `[]`)' \
    --delete "$(list --output json --query "{Objects: $versions.{Key: Key, VersionId: VersionId}, Quiet: \`true\`}")")"
  if [ "$errors" != 0 ]; then
    echo "empty-state-bucket.sh: DeleteObjects could not delete $errors versions of s3://$bucket" >&2
    exit 1
  fi
done
echo "s3://$bucket: no object versions or delete markers left"
