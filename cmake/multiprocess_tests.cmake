# Several processes on one store keep every episode rule (issue 15, item 5),
# ctest label "multiprocess" (in the quick suite, `ctest -LE hardening`; each
# takes well under a minute). Python 3 scripts, standard library only, in
# tests/fault/ (their shared part: episode_race.py):
#   episode_race_sqlite  `serve` and the CLI (`episode checkin`) on one SQLite
#                        file, checking in to the same episodes at once.
#   pg_scale_out         two `serve` on one PostgreSQL (pg_virtualenv -t, as
#                        postgres_store) behind nginx, with the configuration
#                        README.md shows (deploy/nginx-norotriage.conf);
#                        also labelled "postgres".
# Each script kills its children (servers, CLI runs, nginx) on exit or signal.
# Included from CMakeLists.txt inside NOROTRIAGE_BUILD_TESTS, after
# cmake/fault_tests.cmake (NOROTRIAGE_PYTHON3).
find_program(NOROTRIAGE_NGINX nginx PATHS /usr/sbin /sbin)
if(NOT NOROTRIAGE_NGINX)
  set(NOROTRIAGE_NGINX /usr/sbin/nginx)  # the test then fails, naming the package
endif()

add_test(NAME episode_race_sqlite
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/episode_race_sqlite.py
    --binary $<TARGET_FILE:norotriage>)
set_tests_properties(episode_race_sqlite PROPERTIES LABELS "multiprocess" TIMEOUT 300)

norotriage_add_pg_test(pg_scale_out TIMEOUT 300 LABELS postgres multiprocess
  COMMAND ${NOROTRIAGE_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/fault/pg_scale_out.py
    --binary $<TARGET_FILE:norotriage> --nginx ${NOROTRIAGE_NGINX}
    --config ${CMAKE_SOURCE_DIR}/deploy/nginx-norotriage.conf)
