# The hardening tests (issue 7), as ctest tests with the label "hardening":
#   hardening_load  tests/fault/load_test.py: `serve` under wrk at its measured
#                   capacity for NOROTRIAGE_LOAD_SECONDS (default 120); no
#                   errors, no non-2xx, flat memory, a clean SIGTERM after.
#   hardening_kill  tests/fault/kill_test.py: `serve` SIGKILLed 10 times during
#                   check-ins and restarted on the same port and SQLite file;
#                   no acknowledged check-in lost (NOROTRIAGE_KILL_SEED repeats
#                   a run).
# Real processes, sockets and SQLite files under <build>/hardening/. They print
# their figures: run them with `ctest -L hardening -V`; leave them out of the
# quick suite with `-LE hardening`. They need python3 (standard library only)
# and wrk (the Debian package wrk). Included from CMakeLists.txt inside
# NOROTRIAGE_BUILD_TESTS.
find_program(NOROTRIAGE_PYTHON3 python3)
if(NOT NOROTRIAGE_PYTHON3)
  set(NOROTRIAGE_PYTHON3 python3)  # the tests then fail, saying so
endif()

add_test(NAME hardening_load
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/load_test.py
    --binary $<TARGET_FILE:norotriage> --work ${CMAKE_BINARY_DIR}/hardening/load
    --source ${CMAKE_SOURCE_DIR})
# 4 x 5 s of capacity runs, the load run, and set-up: 120 s + about 40 s.
set_tests_properties(hardening_load PROPERTIES LABELS "hardening" TIMEOUT 900 RUN_SERIAL TRUE)

add_test(NAME hardening_kill
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/kill_test.py
    --binary $<TARGET_FILE:norotriage> --work ${CMAKE_BINARY_DIR}/hardening/kill)
set_tests_properties(hardening_kill PROPERTIES LABELS "hardening" TIMEOUT 600 RUN_SERIAL TRUE)
