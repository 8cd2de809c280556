# norotriage_add_pg_test(<name> TIMEOUT <seconds> LABELS <label>... COMMAND <command>...)
#
# A test that runs <command> against a throw-away PostgreSQL cluster:
# `pg_virtualenv -t` (Debian's postgresql-common; -t keeps the cluster in a
# temporary directory even as root) through tests/pg/run_under_pg_virtualenv.sh,
# which gives the cluster a random port so runs in other build trees do not
# collide. Without pg_virtualenv the test still exists and fails, naming the
# packages to install: a missing database is never a silent pass.
find_program(NOROTRIAGE_PG_VIRTUALENV pg_virtualenv)

function(norotriage_add_pg_test name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "TIMEOUT" "LABELS;COMMAND")
  if(NOROTRIAGE_PG_VIRTUALENV)
    add_test(NAME ${name}
      COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/run_under_pg_virtualenv.sh
        ${NOROTRIAGE_PG_VIRTUALENV} ${ARG_COMMAND})
  else()
    add_test(NAME ${name} COMMAND sh -c
      "echo '${name}: pg_virtualenv not found. Install the Debian packages postgresql and postgresql-common (scripts/setup.sh), then re-run cmake.' >&2; exit 1")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
