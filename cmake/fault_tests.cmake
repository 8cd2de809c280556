# Fault tests (ctest label "hardening"; `ctest -L hardening -V` shows their
# figures). Python 3 scripts, standard library only, in tests/fault/:
#   fault_sqlite           the SQLite store read-only (at and after start-up)
#                          or on a full disk, through `episode new/checkin`
#                          and `serve`; tmpfs and loop-device mounts as root,
#                          else RLIMIT_FSIZE and user nobody (it says which).
#   fault_sqlite_fallback  the same cases by the no-mount mechanisms, so that
#                          path is exercised too.
#   fault_postgres_restart PostgreSQL stopped and started under `serve`, in a
#                          throw-away cluster (pg_virtualenv -t, as
#                          postgres_store).
# Each script kills its servers and undoes its mounts on exit or signal.
find_program(NOROTRIAGE_PYTHON3 python3)
if(NOT NOROTRIAGE_PYTHON3)
  set(NOROTRIAGE_PYTHON3 python3)  # the tests then fail, naming what is missing
endif()

add_test(NAME fault_sqlite
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/sqlite_faults.py
    --binary $<TARGET_FILE:norotriage> --request ${CMAKE_SOURCE_DIR}/examples/back-pain-day1.json)
add_test(NAME fault_sqlite_fallback
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/sqlite_faults.py --mechanism fallback
    --binary $<TARGET_FILE:norotriage> --request ${CMAKE_SOURCE_DIR}/examples/back-pain-day1.json)
set_tests_properties(fault_sqlite fault_sqlite_fallback PROPERTIES LABELS "hardening" TIMEOUT 600)

norotriage_add_pg_test(fault_postgres_restart TIMEOUT 600 LABELS hardening
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/pg_restart.py --binary $<TARGET_FILE:norotriage>)
