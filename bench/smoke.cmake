# ctest driver for bench_smoke: agreement checks, then each suite once on the
# small size with a tiny min time. Fails on any non-zero exit; no timing
# assertions.
set(ENV{CRITGRAPH_BENCH_DATA} "${DATA}")
set(ENV{CRITGRAPH_BENCH_SIZE} "small")
execute_process(COMMAND "${SMOKE}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bench_smoke failed (${rc})")
endif()
foreach(suite IN LISTS SUITES)
  execute_process(COMMAND "${suite}" --benchmark_min_time=0.01
    RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${suite} failed (${rc})")
  endif()
endforeach()
