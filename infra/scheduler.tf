# Cloud Scheduler: intentionally no resources here.
#
# The sweeper (daily watch renewal fan-out, and the every-few-minutes pass over overdue scans
# and failed actions) is written as firebase `onSchedule` functions. At deploy time
# firebase-tools creates one Cloud Scheduler job per onSchedule function, in the function's
# region, calling the function with an OIDC token of the function's service account
# (strata-runtime), and grants that account run.invoker on the function. It also updates the
# job when the schedule in code changes and deletes it with the function.
#
# A google_cloud_scheduler_job here (for example a daily publish of {} on
# strata-watch-renewals) would be a second trigger for the same work, with a schedule that
# can drift from the code. One source of truth: the schedule lives in functions/src.
#
# Terraform only enables cloudscheduler.googleapis.com (apis.tf).
