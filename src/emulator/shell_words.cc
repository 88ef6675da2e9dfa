#include "emulator/shell_words.h"

#include <algorithm>
#include <array>

namespace chainlab::emulator {
namespace {

// Reserved words and builtins of POSIX sh and dash: `sh -c` runs these itself.
constexpr std::string_view kShellWords[] = {
    "!",       "{",        "}",    "[[",    "]]",       "case",   "do",    "done",     "elif",
    "else",    "esac",     "fi",   "for",   "function", "if",     "in",    "then",     "until",
    "while",   "select",   ".",    ":",     "[",        "alias",  "bg",    "break",    "cd",
    "command", "continue", "echo", "eval",  "exit",     "export", "false", "fg",       "getopts",
    "hash",    "jobs",     "kill", "local", "printf",   "pwd",    "read",  "readonly", "return",
    "set",     "shift",    "test", "times", "trap",     "true",   "type",  "ulimit",   "umask",
    "unalias", "unset",    "wait", "source"};

bool is_blank(char c, bool newline_is_blank) {
  return c == ' ' || c == '\t' || (newline_is_blank && c == '\n');
}

bool is_operator(char c) {
  return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' ||
         c == '\n';
}

struct Word {
  std::string text;
  bool quoted = false;                  // some part was quoted: "" is a word
  bool dynamic = false;                 // an expansion the shell would do
  size_t unquoted = std::string::npos;  // length of `text` before the first quote

  void mark_quoted() {
    quoted = true;
    unquoted = std::min(unquoted, text.size());
  }
};

Error unterminated(char quote) {
  return make_error(ErrorCode::kInvalidArgument, "command: unterminated {} quote",
                    quote == '\'' ? "single" : "double");
}

// The word at `pos` (blanks already skipped). `shell`: operators end a word and expansions are
// noted; otherwise only blanks (including newlines) end it, as in shlex.split.
Result<Word> read_word(std::string_view s, size_t& pos, bool shell) {
  Word w;
  while (pos < s.size()) {
    char c = s[pos];
    if (is_blank(c, !shell) || (shell && is_operator(c))) {
      break;
    }
    ++pos;
    if (c == '\\') {
      w.mark_quoted();
      if (pos < s.size() && s[pos] == '\n') {
        ++pos;  // line continuation
      } else if (pos < s.size()) {
        w.text += s[pos++];
      }
    } else if (c == '\'') {
      w.mark_quoted();
      size_t close = s.find('\'', pos);
      if (close == std::string_view::npos) {
        return unterminated(c);
      }
      w.text += s.substr(pos, close - pos);
      pos = close + 1;
    } else if (c == '"') {
      w.mark_quoted();
      bool closed = false;
      while (pos < s.size()) {
        char d = s[pos++];
        if (d == '"') {
          closed = true;
          break;
        }
        if (d == '\\' && pos < s.size() &&
            std::string_view("$`\"\\\n").find(s[pos]) != std::string_view::npos) {
          d = s[pos++];
          if (d == '\n') {
            continue;
          }
        } else if (d == '$' || d == '`') {
          w.dynamic = true;
        }
        w.text += d;
      }
      if (!closed) {
        return unterminated(c);
      }
    } else {
      if (c == '$' || c == '`' || c == '*' || c == '?' || c == '[' ||
          (c == '~' && w.text.empty())) {
        w.dynamic = true;
      }
      w.text += c;
    }
  }
  return w;
}

void skip_blanks(std::string_view s, size_t& pos, bool newline_is_blank) {
  while (pos < s.size() && is_blank(s[pos], newline_is_blank)) {
    ++pos;
  }
}

bool is_assignment(const Word& w) {
  size_t eq = w.text.find('=');
  if (eq == std::string::npos || eq == 0 || eq >= w.unquoted) {
    return false;
  }
  auto name_char = [](char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  return (w.text[0] < '0' || w.text[0] > '9') &&
         std::all_of(w.text.begin(), w.text.begin() + static_cast<long>(eq), name_char);
}

bool is_shell_word(const std::string& w) {
  return std::find(std::begin(kShellWords), std::end(kShellWords), w) != std::end(kShellWords);
}

}  // namespace

Result<std::vector<std::string>> split_shell_words(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    skip_blanks(text, pos, true);
    if (pos >= text.size()) {
      return out;
    }
    CL_ASSIGN_OR_RETURN(Word w, read_word(text, pos, /*shell=*/false));
    out.push_back(std::move(w.text));
  }
}

Result<std::optional<std::string>> shell_program(std::string_view script) {
  size_t pos = 0;
  bool after_exec = false;
  for (;;) {
    skip_blanks(script, pos, true);
    if (pos >= script.size() || is_operator(script[pos]) || script[pos] == '#') {
      return std::optional<std::string>();
    }
    CL_ASSIGN_OR_RETURN(Word w, read_word(script, pos, /*shell=*/true));
    if (w.dynamic || is_assignment(w) || (w.text.empty() && !w.quoted) ||
        (after_exec && w.text.starts_with('-'))) {
      return std::optional<std::string>();
    }
    if (w.text.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "command: the program name is empty");
    }
    if (w.text == "exec" && !after_exec) {
      after_exec = true;
      continue;
    }
    if (is_shell_word(w.text)) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(std::move(w.text));
  }
}

}  // namespace chainlab::emulator
