// Internal to the son-emu importer (sonemu_import.h): the evaluator that reads a parsed topology
// script the way Python would run it, without running anything. It executes module code in
// order, calls the script's own functions and classes when the script calls them, unrolls
// `for` loops over known values, takes the branch of an `if` whose condition it knows, and hands
// every call of the son-emu API to the Model.
//
// What depends on the running script (an opaque value: `time.time()`, a command-line flag, a
// `while` loop that waits for a signal, an `except` handler) is not run: the block is skipped,
// names it assigns become opaque, and a warning names its line; if the block contains son-emu
// topology calls the import fails ("unsupported construct at line N"), because skipping them
// would change what the topology is.
//
// Bounds: kMaxSteps statements and calls, kMaxCallDepth nested calls, Heap::kMaxObjects objects.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/pyscript.h"
#include "emulator/sonemu_model.h"
#include "emulator/sonemu_value.h"

namespace chainlab::emulator::sonemu {

// The parsed script's node types, which the evaluator's files (sonemu_*.cc) name unqualified.
using pyscript::Block;
using pyscript::Expr;
using pyscript::ExprKind;
using pyscript::Stmt;
using pyscript::StmtKind;

class Interpreter {
 public:
  static constexpr size_t kMaxSteps = 200'000;
  static constexpr int kMaxCallDepth = 50;
  // Nested statements, expressions and calls together (each level is a C++ stack frame).
  static constexpr int kMaxNesting = 800;

  Interpreter(const std::string& source, Model& model)
      : source_(source), model_(model), heap_(source) {}
  Status run(const pyscript::Module& module);

 private:
  enum class Flow { kNormal, kBreak, kContinue, kReturn };
  struct Frame {
    Scope* scope = nullptr;    // module, function or class-body scope
    Scope* closure = nullptr;  // what functions defined here close over
    bool function = false;
    int loops = 0;
    Value result;
  };

  // Counts one level of nesting for its lifetime.
  class Nesting {
   public:
    explicit Nesting(int& n) : n_(n) { ++n_; }
    ~Nesting() { --n_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    int& n_;
  };

  Error error(int line, std::string_view message) const;
  // `r`, or its error as the script's error at `line`.
  template <typename T>
  Result<T> at_line(int line, Result<T> r) const {
    if (!r.ok()) {
      return error(line, r.error().message);
    }
    return r;
  }
  Status step(int line);
  Status too_deep(int line) const;

  // Statements (sonemu_exec.cc).
  Result<Flow> exec_block(const pyscript::Block& block, Frame& frame);
  Result<Flow> exec(const pyscript::Stmt& s, Frame& frame);
  Status exec_import(const pyscript::Stmt& s, Frame& frame);
  Status exec_def(const pyscript::Stmt& s, Frame& frame);
  Status exec_class(const pyscript::Stmt& s, Frame& frame);
  Result<Flow> exec_if(const pyscript::Stmt& s, Frame& frame);
  Result<Flow> exec_for(const pyscript::Stmt& s, Frame& frame);
  Result<Flow> exec_loop_body(const pyscript::Stmt& s, Frame& frame, const Value& item, bool& stop);
  Result<Flow> exec_try(const pyscript::Stmt& s, Frame& frame);
  Result<Flow> exec_with(const pyscript::Stmt& s, Frame& frame);
  Status exec_simple(const pyscript::Stmt& s, Frame& frame);
  // Skips blocks the translation cannot decide (see the header comment).
  Status skip(const std::vector<const pyscript::Block*>& blocks, Frame& frame, int line,
              const std::string& what, bool warn);
  void havoc_block(const pyscript::Block& block, Frame& frame, const std::string& reason);
  void havoc_target(const pyscript::Expr& target, Frame& frame, const std::string& reason);
  // The value of a name or an attribute chain over instances, without side effects; null if
  // that is not known.
  const Value* peek(const pyscript::Expr& e, const Frame& frame) const;
  static void taint(const Value& container, const std::string& reason);
  bool relevant(const pyscript::Block& block);
  bool relevant_stmt(const pyscript::Stmt& s);
  bool relevant_expr(const pyscript::Expr& e);
  void collect_defs(const pyscript::Block& block);

  // Expressions (sonemu_expr.cc).
  Result<Value> eval(const pyscript::Expr& e, Frame& frame);
  Result<Value> eval_call(const pyscript::Expr& e, Frame& frame);
  Result<Value> lookup(const std::string& name, const Frame& frame, int line);
  const Value* find_name(const std::string& name, const Frame& frame) const;
  void bind_name(const std::string& name, Value v, Frame& frame);
  Status assign(const pyscript::Expr& target, const Value& v, Frame& frame);
  Result<Value> get_attr(const Value& base, const std::string& name, int line);
  Status set_attr(const Value& base, const std::string& name, const Value& v, int line);
  Result<Value> subscript(const Value& base, const Value& index, int line);
  Result<Value> slice(const Value& base, const pyscript::Expr& slice, Frame& frame);
  Status set_item(const Value& base, const Value& index, const Value& v, int line);
  Result<Value> call(const Value& fn, const CallArgs& args, int line);
  Result<Value> call_function(FunctionObj* fn, InstanceObj* self, const CallArgs& args, int line);
  Result<Value> instantiate(ClassObj* cls, const CallArgs& args, int line);
  const Value* class_attr(const ClassObj* cls, std::string_view name, int depth = 0) const;
  // The items of a known iterable; nullopt for an opaque one; an error for a non-iterable.
  Result<std::optional<std::vector<Value>>> items_of(const Value& v, int line);

  // Builtins and methods of str, list and dict (sonemu_builtins.cc).
  static bool is_builtin(std::string_view name);
  Result<Value> call_builtin(const std::string& name, const CallArgs& args, int line);
  Result<Value> number_builtin(const std::string& name, const std::vector<Value>& a, int line);
  Result<Value> sequence_builtin(const std::string& name, const std::vector<Value>& a, int line);
  Result<Value> call_bound(const BoundObj& bound, const CallArgs& args, int line);
  Result<Value> str_method(const std::string& self, const std::string& name, const CallArgs& args,
                           int line);
  Result<Value> list_method(ListObj& list, const std::string& name, const CallArgs& args, int line);
  Result<Value> dict_method(DictObj& dict, const std::string& name, const CallArgs& args, int line);

  // argparse (sonemu_argparse.cc): options' defaults, as if the script ran without arguments.
  Result<Value> new_argument_parser(const CallArgs& args, int line);
  Result<Value> argparse_method(const Value& self, const std::string& name, const CallArgs& args,
                                int line);

  const std::string& source_;
  Model& model_;
  Heap heap_;
  Scope* module_ = nullptr;
  size_t steps_ = 0;
  int depth_ = 0;
  int nesting_ = 0;
  // Operations whose run-time outcome the translation does not know (calls of imported or
  // son-emu functions, subscripts of unknown values): they may raise, so an `except` handler
  // after them may run.
  size_t uncertain_ = 0;
  ClassObj* argparse_class_ = nullptr;  // argparse.ArgumentParser, once the script makes one
  ClassObj* namespace_class_ = nullptr;
  std::map<std::string, std::vector<const pyscript::Stmt*>, std::less<>> defs_;
  std::map<const pyscript::Stmt*, int> relevance_;  // 1 yes, 2 no, 3 being computed
};

}  // namespace chainlab::emulator::sonemu
