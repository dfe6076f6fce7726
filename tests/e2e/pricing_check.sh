#!/usr/bin/env bash
# `reprise pricing-check`, the CI guard on the model price table: it passes
# up to 90 days after the table's verified date and fails (exit 1, naming the
# date and the source to re-check) from day 91; a malformed --today is a
# usage error (exit 2). The verified date is read from the header that
# declares it, so updating the table does not break this test.
source "$(dirname "$0")/lib.sh"

HEADER=$SOURCE_DIR/include/reprise/llm/pricing.hpp
VERIFIED=$(sed -n 's/.*kPricingVerifiedOn = "\([0-9-]*\)".*/\1/p' "$HEADER")
[[ $VERIFIED =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "could not read kPricingVerifiedOn from $HEADER (got '$VERIFIED')"
plus_days() { date -u -d "$VERIFIED +$1 days" +%F; }

run same_day "$REPRISE_CLI" pricing-check --today "$VERIFIED"
expect_rc 0
expect_text out "pricing verified on $VERIFIED (0 days before $VERIFIED, limit 90)"

DAY90=$(plus_days 90)
run day_90 "$REPRISE_CLI" pricing-check --today "$DAY90"
expect_rc 0
expect_text out "pricing verified on $VERIFIED (90 days before $DAY90, limit 90)"

DAY91=$(plus_days 91)
run day_91 "$REPRISE_CLI" pricing-check --today "$DAY91"
expect_rc 1
expect_text err "the price table was verified on $VERIFIED, 91 days before $DAY91 (limit 90)"
expect_text err "docs.claude.com"
[[ ! -s $WORK/day_91.out ]] || expect_fail "expected nothing on stdout"

run bad_date "$REPRISE_CLI" pricing-check --today 2026-02-30
expect_rc 2
expect_text err "--today '2026-02-30' is not a date of the form YYYY-MM-DD"

# Without --today it checks against the clock: 0 or 1, never a crash or a usage error.
run today "$REPRISE_CLI" pricing-check
[[ $RC -eq 0 || $RC -eq 1 ]] || expect_fail "expected exit code 0 or 1, got $RC"
echo "ok: $TEST_NAME"
