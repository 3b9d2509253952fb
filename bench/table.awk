# Prints the results table of scripts/bench and the ratios against issue 6's targets.
#   awk -F'\t' -f bench/table.awk results.tsv rss.tsv
# results.tsv: label, scenario, requests, seconds, req/s, p50, p90, p99, max (ms), answers, check,
#              CPU ms per request of the server, PostgreSQL and the load generator
# rss.tsv:     "rss", label, max RSS (KiB), server CPU seconds
$1 == "rss" { rss[$2] = $3; cpu[$2] = $4; next }
{
  key = $1 " " $2
  order[++n] = key
  rps[key] = $5; p50[key] = $6; p90[key] = $7; p99[key] = $8; max[key] = $9
  answers[key] = $10; check[key] = $11; cpu_server[key] = $12; cpu_pg[key] = $13; cpu_client[key] = $14
}
function row(key) {
  printf "| %-24s | %6.0f | %7.2f | %7.2f | %7.2f | %8.2f | %5s / %5.2f / %5.2f | %-8s | %s |\n", \
    key, rps[key], p50[key], p90[key], p99[key], max[key], \
    cpu_server[key] == "-" ? "-" : sprintf("%.2f", cpu_server[key]), cpu_pg[key], cpu_client[key], check[key], answers[key]
}
function ratio(a, b) { return (b > 0) ? a / b : 0 }
function target(name, value, goal, op, fmt) {
  holds = (op == ">=") ? value >= goal : value <= goal
  printf "| %-52s | " fmt " | %s %s | %-4s |\n", name, value, op == ">=" ? "≥" : "≤", goal, holds ? "yes" : "NO"
  if (!holds) missed++
}
function info(name, value, fmt) {
  printf "| %-52s | " fmt " | %-6s | %-4s |\n", name, value, "", ""
}
END {
  print "| run | req/s | p50 ms | p90 ms | p99 ms | max ms | CPU ms/req server / pg / client | check | answers |"
  print "|---|---:|---:|---:|---:|---:|---|---|---|"
  for (i = 1; i <= n; i++) row(order[i])
  print ""

  # Issues 18 and 19: the price of a form and the rush's p99, one line per server and each.
  for (i = 1; i <= n; i++) if (order[i] ~ / (rush|hot-form)$/) has18 = 1
  if (has18) { print "| opening rush (issue 18), forms (issue 19) | value | | |"; print "|---|---:|---|---|" }
  for (i = 1; i <= n; i++) {
    split(order[i], part, " ")
    if (part[2] == "hot-form" && rps[part[1] " hot"] > 0)
      info(part[1] " hot-form ÷ hot (a five-question form, req/s)", ratio(rps[order[i]], rps[part[1] " hot"]), "%6.2f")
    if (part[2] == "rush")
      info("rush: " part[1] " p99 time-to-answer (ms), target ≤ 1000 on PostgreSQL", p99[order[i]], "%6.0f")
  }
  if (has18) print ""
  if (rps["pgbench a-hot"] == 0) {
    for (i = 1; i <= n; i++) if (check[order[i]] == "FAILED") bad++
    printf "(no pgbench run: the issue-6 targets are not computed); %d verification(s) failed\n", bad
    exit
  }
  ceiling = rps["pgbench a-hot"]
  if (rps["pgbench a-hot-after"] > 0) ceiling = (rps["pgbench a-hot"] + rps["pgbench a-hot-after"]) / 2
  hot = rps["postgres hot"]; spread = rps["postgres spread"]
  print "| target (ratios measured in this one run) | value | target | holds |"
  print "|---|---:|---|---|"
  target("PostgreSQL hot ÷ ceiling (a-hot, mean of before/after)", ratio(hot, ceiling), 0.7, ">=", "%6.2f")
  target("PostgreSQL hot ÷ seed design (b-hot)", ratio(hot, rps["pgbench b-hot"]), 2, ">=", "%6.2f")
  target("PostgreSQL hot p99 (ms)", p99["postgres hot"], 50, "<=", "%6.1f")
  target("PostgreSQL spread ÷ ceiling (a-spread)", ratio(spread, rps["pgbench a-spread"]), 0.4, ">=", "%6.2f")
  target("SQLite hot registrations/s", rps["sqlite hot"], 1000, ">=", "%6.0f")
  target("SQLite read-list req/s", rps["sqlite read-list"], 5000, ">=", "%6.0f")
  target("SQLite read-one req/s", rps["sqlite read-one"], 5000, ">=", "%6.0f")
  for (label in rss) target("server max RSS, " label " (MB)", rss[label] / 1024, 150, "<=", "%6.0f")
  info("hot ÷ a-hot in the driver's protocol (-M extended)", ratio(hot, rps["pgbench a-hot-extended"]), "%6.2f")
  info("spread ÷ seed design (b-spread)", ratio(spread, rps["pgbench b-spread"]), "%6.2f")
  info("hot ÷ a-hot at the server's pool size (a-hot-pool)", ratio(hot, rps["pgbench a-hot-pool"]), "%6.2f")
  info("p-hot ÷ a-hot (one statement vs transaction, pgbench)", ratio(rps["pgbench p-hot"], rps["pgbench a-hot"]), "%6.2f")
  info("p-spread ÷ a-spread", ratio(rps["pgbench p-spread"], rps["pgbench a-spread"]), "%6.2f")
  info("hot ÷ p-hot (the seat path's own statement)", ratio(hot, rps["pgbench p-hot"]), "%6.2f")
  info("spread ÷ p-spread", ratio(spread, rps["pgbench p-spread"]), "%6.2f")
  base = rps["postgres-base hot"]
  if (base > 0) {
    info("before/after: postgres hot ÷ postgres-base hot", ratio(hot, base), "%6.2f")
    info("before/after: postgres spread ÷ postgres-base spread", ratio(spread, rps["postgres-base spread"]), "%6.2f")
    info("before/after: postgres read-list ÷ base", ratio(rps["postgres read-list"], rps["postgres-base read-list"]), "%6.2f")
    info("before/after: sqlite hot ÷ sqlite-base hot", ratio(rps["sqlite hot"], rps["sqlite-base hot"]), "%6.2f")
    info("before/after: sqlite read-list ÷ base", ratio(rps["sqlite read-list"], rps["sqlite-base read-list"]), "%6.2f")
  }
  if (rps["postgres+redis hot"] > 0) {
    info("postgres+redis hot ÷ postgres hot (Redis locks)", ratio(rps["postgres+redis hot"], hot), "%6.2f")
    info("postgres+redis spread ÷ postgres spread", ratio(rps["postgres+redis spread"], spread), "%6.2f")
  }
  info("a-hot drift: after ÷ before", ratio(rps["pgbench a-hot-after"], rps["pgbench a-hot"]), "%6.2f")
  for (label in cpu) info("server CPU seconds, whole " label " run incl. setup", cpu[label], "%6.1f")
  print ""
  bad = 0
  for (i = 1; i <= n; i++) if (check[order[i]] == "FAILED") bad++
  printf "%d target(s) missed; %d verification(s) failed\n", missed, bad
}
