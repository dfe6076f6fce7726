// reprise-eval: runs every case under eval/ through the shared client (cached
// replay by default; --live for a dry run or live calls), one Catch2 test
// case per case, and prints a summary table.
#include "reprise/eval/replay_session.hpp"
#include "reprise/util/files.hpp"

int main(int argc, char** argv) {
  reprise::util::report_file_size_limit_as_error();
  return reprise::eval::run_replay_session(argc, argv);
}
