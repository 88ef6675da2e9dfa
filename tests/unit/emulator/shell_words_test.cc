// Command strings: Docker-style word splitting and the program a `sh -c` would start.
#include "emulator/shell_words.h"

#include <gtest/gtest.h>

namespace chainlab::emulator {
namespace {

using Words = std::vector<std::string>;

Words words(std::string_view text) {
  auto r = split_shell_words(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : Words{"<error>"};
}

std::string program(std::string_view script) {
  auto r = shell_program(script);
  EXPECT_TRUE(r.ok()) << script << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r->value_or("<shell>") : "<error>";
}

TEST(ShellWordsTest, SplitsLikeShlex) {
  EXPECT_EQ(words("sleep 1000"), (Words{"sleep", "1000"}));
  EXPECT_EQ(words("  sh  -c 'echo hi; sleep 1'  "), (Words{"sh", "-c", "echo hi; sleep 1"}));
  EXPECT_EQ(words(R"(echo "a \"b\" $HOME" c\ d)"), (Words{"echo", R"(a "b" $HOME)", "c d"}));
  EXPECT_EQ(words("a''b \"\" x\ny\tz"), (Words{"ab", "", "x", "y", "z"}));
  EXPECT_EQ(words(""), Words{});
  EXPECT_EQ(split_shell_words("echo 'open").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(split_shell_words("echo \"open").error().code, ErrorCode::kInvalidArgument);
}

TEST(ShellWordsTest, ProgramOfAScript) {
  EXPECT_EQ(program("no-such-binary --flag"), "no-such-binary");
  EXPECT_EQ(program("sleep 1000"), "sleep");
  EXPECT_EQ(program("  sh -c \"echo hi\""), "sh");
  EXPECT_EQ(program("socat TCP-LISTEN:80,fork SYSTEM:'echo hi'"), "socat");
  EXPECT_EQ(program("exec busybox httpd -f"), "busybox");
  EXPECT_EQ(program("ls>/tmp/x"), "ls");
  EXPECT_EQ(program("true;sleep 5"), "<shell>");
  EXPECT_EQ(program("iperf3 -s & wait"), "iperf3");
  EXPECT_EQ(program("'/opt/my tool' x"), "/opt/my tool");
  EXPECT_EQ(program("./start.sh"), "./start.sh");
}

TEST(ShellWordsTest, TheShellDecides) {
  for (const char* script : {"",
                             "   ",
                             "d=/tmp/x; mkdir -p $d",
                             "FOO=\"a b\" env",
                             "cd /tmp && ./run",
                             "echo hi",
                             "while true; do sleep 1; done",
                             "trap 'exit 0' TERM; sleep 1000 & wait",
                             "$CMD arg",
                             "`which x`",
                             "~/bin/x",
                             "/opt/*/run",
                             "# comment\nsleep 1",
                             "(sleep 1)",
                             ">log x",
                             "{ a; }",
                             "exec",
                             "exec -a name sleep",
                             ". /etc/profile",
                             "[ -e x ]",
                             "exec $X"}) {
    EXPECT_EQ(program(script), "<shell>") << script;
  }
}

TEST(ShellWordsTest, BadProgramWords) {
  auto r = shell_program("'no-such x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "command: unterminated single quote");
  EXPECT_EQ(shell_program("exec \"sleep 1").error().message, "command: unterminated double quote");
  EXPECT_EQ(shell_program("\"\" x").error().message, "command: the program name is empty");
  // Only the program word is parsed: the rest is the shell's business.
  EXPECT_EQ(program("sleep 'x"), "sleep");
}

}  // namespace
}  // namespace chainlab::emulator
