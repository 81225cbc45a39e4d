#!/usr/bin/env bash
# Adds a Kafka principal for an operator registered after the stack was formatted (the first `up`
# makes bank-a and bank-b), on the running broker of a stack (docs/decisions/0015-kafka-acls.md):
#
#   bash scripts/kafka-principal.sh <operator-id> ...      (npm run kafka:principal -- bank-c)
#
# For each id not yet in $STACK_DIR/kafka/credentials.json: a random password, the SCRAM user on the
# broker (Kafka's ConfigCommand, as the stack's admin), the password added to the credentials file;
# then the operator's topics and least-privilege ACLs (scripts/create-topics.ts). Idempotent.
# Start the operator's process with KAFKA_SASL_USERNAME=<id> and KAFKA_SASL_PASSWORD from that file.
set -euo pipefail
# shellcheck source=scripts/stack.sh
source "$(dirname "${BASH_SOURCE[0]}")/stack.sh"

[[ $# -ge 1 ]] || { echo "usage: bash scripts/kafka-principal.sh <operator-id> ..." >&2; exit 2; }
for id in "$@"; do
  [[ "$id" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "kafka: '$id' is not an operator id like bank-c"
  case "$id" in broker | admin | central-bank | regulator) die "kafka: '$id' is a principal of the stack itself, not an operator" ;; esac
done
kafka_pid >/dev/null || die "kafka: the broker of $STACK_DIR is not running; start it with: bash scripts/stack.sh up kafka"
[[ -s "$KAFKA_CREDENTIALS_FILE" ]] || die "kafka: $KAFKA_CREDENTIALS_FILE is missing: this broker does not authenticate (reset the stack)"
java_ensure
kafka_ensure_libs

exec 9>"$STACK_DIR/.lock"
flock 9

# The admin's client settings for ConfigCommand, readable by this user only, removed on exit.
client_config="$KAFKA_DIR/admin-client.properties.$$"
trap 'rm -f "$client_config"; apt_cleanup' EXIT
(umask 077 && printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
  "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(kafka_password admin)\";" \
  >"$client_config")

for id in "$@"; do
  if [[ -n "$(kafka_password "$id")" ]]; then
    log "kafka: principal $id exists"
    continue
  fi
  password="$(head -c "$KAFKA_PASSWORD_BYTES" /dev/urandom | od -An -tx1 | tr -d ' \n')"
  "$JAVA" -Dlog4j2.configurationFile="$REPO_DIR/deploy/kafka/log4j2.yaml" -Dkafka.logs.dir="$KAFKA_LOG_DIR" -cp "$KAFKA_LIBS/*" \
    kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$client_config" \
    --alter --add-config "SCRAM-SHA-512=[password=$password]" --entity-type users --entity-name "$id" >>"$KAFKA_OUT" 2>&1 \
    || die "kafka: could not add the SCRAM user $id, see $KAFKA_OUT"
  # Rewrite the file through node, keeping its mode: the password is known only once it is stored.
  (umask 077 && node -e '
const fs = require("fs");
const [file, id, password] = process.argv.slice(1);
const credentials = JSON.parse(fs.readFileSync(file, "utf8"));
credentials.principals[id] = password;
fs.writeFileSync(file + ".tmp", JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
fs.renameSync(file + ".tmp", file);
' "$KAFKA_CREDENTIALS_FILE" "$id" "$password")
  log "kafka: principal $id added to the broker and to $KAFKA_CREDENTIALS_FILE"
done

# Every operator with a principal gets its topics and ACLs (create-topics is idempotent).
operators="$(node -e '
const credentials = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const stack = new Set(["broker", "admin", "central-bank", "regulator"]);
process.stdout.write(Object.keys(credentials.principals).filter((name) => !stack.has(name)).join(","));
' "$KAFKA_CREDENTIALS_FILE")"
export OPERATOR_IDS="$operators"
kafka_create_topics
