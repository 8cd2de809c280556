# The HTTP attack tests (issue 15), as ctest tests with the label "http": in
# the quick suite (`ctest -LE hardening`), each under a minute, and able to
# run in parallel (each starts its own `serve --port 0`). Python 3 scripts,
# standard library only, in tests/http/ (they share wire.py and
# tests/fault/faultlib.py); real sockets on loopback, every child killed on
# exit, an overall alarm in each. `ctest -L http -V` shows their figures.
#   http_slowloris        200 slowloris connections; 20 requests within 1 s each
#   http_idle_connections 2,000 idle connections; the same; closed after 5 s
#   http_deadlines        header within 10 s of its first byte, body within 10 s: 408
#   http_framing          a request hidden in a body; RFC 9112 framing errors: 400 + close
#   http_pipelining       100 pipelined requests -> 100 replies in order; keep-alive idle close
#   http_limits           16 KiB / 100 fields (431), 8 KiB URL (414), 64 KiB body (413)
#   http_max_connections  --max-connections 50: the 51st gets a 503
#   http_shutdown         SIGTERM: idle keep-alive closed, requests in flight finished, exit 0
#   http_frozen_store     PostgreSQL under SIGSTOP: stateless routes as fast, episodes 503
#                         within 2 s, all back after SIGCONT (pg_virtualenv, as postgres_store)
# Included from CMakeLists.txt inside NOROTRIAGE_BUILD_TESTS, after
# fault_tests.cmake (NOROTRIAGE_PYTHON3) and pg_tests.cmake (norotriage_add_pg_test).
foreach(name slowloris idle_connections deadlines framing pipelining limits max_connections shutdown)
  add_test(NAME http_${name}
    COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/http/${name}_test.py --binary $<TARGET_FILE:norotriage>)
  set_tests_properties(http_${name} PROPERTIES LABELS "http" TIMEOUT 120)
endforeach()

norotriage_add_pg_test(http_frozen_store TIMEOUT 180 LABELS http postgres
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/http/frozen_store_test.py --binary $<TARGET_FILE:norotriage>)
