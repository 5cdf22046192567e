#!/usr/bin/env bash
# Attaches Strata's dead-letter topic to the Eventarc subscriptions that `firebase deploy`
# created for the onMessagePublished functions, and lets the Pub/Sub service agent acknowledge
# on them (Pub/Sub needs subscriber on the source subscription and publisher on the dead-letter
# topic; Terraform already granted the latter).
#
# Why a script and not Terraform: those subscriptions belong to the functions' Eventarc
# triggers. They are created, renamed and deleted by firebase deploy, so Terraform cannot own
# them. Run this after every deploy that creates or recreates a function: a recreated trigger
# comes with a new subscription without the policy. It is idempotent.
#
# A dead-letter policy only matters for functions deployed with `retry: true`; without retry
# a failed event is not redelivered, so it never reaches the delivery limit.
#
# Usage: infra/scripts/attach-dead-letter.sh PROJECT_ID [MAX_DELIVERY_ATTEMPTS]
#   MAX_DELIVERY_ATTEMPTS: 5..100, default 10.
# Environment (defaults are the Terraform defaults):
#   STRATA_DEAD_LETTER_TOPIC  strata-dead-letter
#   STRATA_TOPICS             "strata-gmail-notifications strata-scan-requests strata-engine-completions strata-watch-renewals"
#   DRY_RUN=1                 print the gcloud commands instead of running them
set -euo pipefail

project="${1:-}"
attempts="${2:-10}"
if [ -z "$project" ]; then
  echo "usage: $0 PROJECT_ID [MAX_DELIVERY_ATTEMPTS]" >&2
  exit 2
fi
case "$attempts" in
  '' | *[!0-9]*) echo "MAX_DELIVERY_ATTEMPTS must be a number between 5 and 100" >&2; exit 2 ;;
esac
if [ "$attempts" -lt 5 ] || [ "$attempts" -gt 100 ]; then
  echo "MAX_DELIVERY_ATTEMPTS must be between 5 and 100 (Pub/Sub's limits)" >&2
  exit 2
fi

dead_letter_topic="projects/${project}/topics/${STRATA_DEAD_LETTER_TOPIC:-strata-dead-letter}"
read -r -a topics <<<"${STRATA_TOPICS:-strata-gmail-notifications strata-scan-requests strata-engine-completions strata-watch-renewals}"

run() {
  if [ "${DRY_RUN:-0}" = 1 ]; then
    printf 'DRY_RUN:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

number=$(gcloud projects describe "$project" --format='value(projectNumber)')
if [ -z "$number" ]; then
  echo "could not read the project number of $project" >&2
  exit 1
fi
pubsub_agent="serviceAccount:service-${number}@gcp-sa-pubsub.iam.gserviceaccount.com"

attached=0
for topic in "${topics[@]}"; do
  full_topic="projects/${project}/topics/${topic}"
  # name and topic of every subscription on the topic; keep the Eventarc ones.
  while IFS=$'\t' read -r subscription sub_topic; do
    [ -n "$subscription" ] || continue
    [ "$sub_topic" = "$full_topic" ] || continue
    case "$subscription" in
      */subscriptions/eventarc-*) ;;
      *) continue ;;
    esac
    echo "dead-letter: $subscription -> $dead_letter_topic (max $attempts deliveries)"
    run gcloud pubsub subscriptions update "$subscription" --project="$project" \
      --dead-letter-topic="$dead_letter_topic" --max-delivery-attempts="$attempts" --quiet
    run gcloud pubsub subscriptions add-iam-policy-binding "$subscription" --project="$project" \
      --member="$pubsub_agent" --role=roles/pubsub.subscriber --quiet --format=none
    attached=$((attached + 1))
  done < <(gcloud pubsub subscriptions list --project="$project" \
    --filter="topic:${full_topic}" --format='value(name,topic)')
done

if [ "$attached" -eq 0 ]; then
  echo "no Eventarc subscription found on ${topics[*]} in $project: deploy the functions first" >&2
  exit 1
fi
echo "done: $attached subscription(s)"
