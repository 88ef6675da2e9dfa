// Internal to the son-emu importer (sonemu_import.h): the values its evaluator computes while it
// reads a topology script without running it, and Python's rules for them (str(), repr(),
// arithmetic, comparisons, `%` and str.format formatting).
//
// A value is either known (None, bool, int, float, str, list, tuple, dict, range, a function or
// class of the script, one of its instances), an imported name that is not modelled ("external":
// `time.sleep`), an object of the son-emu API (a DCNetwork, a PoP, an endpoint: "api"), or
// "opaque": something only the running script would know (`time.time()`, a command-line flag).
// Opaque values remember where they came from, for the error that needs them.
//
// Heap objects live in a Heap owned by one import run; values point into it (no cycles to leak).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "emulator/pyscript.h"

namespace chainlab::emulator::sonemu {

enum class ApiKind { kNet, kDc, kSwitch, kHost, kEndpoint, kResourceModel, kOsm };

struct ApiRef {
  ApiKind kind = ApiKind::kNet;
  size_t index = 0;
  friend bool operator==(const ApiRef&, const ApiRef&) = default;
};

enum class Kind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kStr,
  kList,
  kTuple,
  kDict,
  kRange,
  kFunction,   // fn
  kMethod,     // fn bound to inst
  kClass,      // cls
  kInstance,   // inst
  kBuiltin,    // text: the builtin's name ("range")
  kBound,      // bound: a method of a str, list or dict ("str.format")
  kExternal,   // text: the dotted name ("time.sleep")
  kApi,        // api
  kApiMethod,  // api, text: the method
  kOpaque,     // text: where it came from ("time.time() at line 12")
};

struct ListObj;
struct DictObj;
struct FunctionObj;
struct ClassObj;
struct InstanceObj;
struct BoundObj;

struct Value {
  Kind kind = Kind::kNone;
  bool boolean = false;
  int64_t integer = 0;  // kInt; kRange start
  int64_t stop = 0;     // kRange
  int64_t step = 1;     // kRange
  double number = 0;
  std::string text{};
  ListObj* list = nullptr;  // kList, kTuple
  DictObj* dict = nullptr;
  FunctionObj* fn = nullptr;
  ClassObj* cls = nullptr;
  InstanceObj* inst = nullptr;
  BoundObj* bound = nullptr;
  ApiRef api{};

  static Value none() { return Value{}; }
  static Value of_bool(bool b);
  static Value of_int(int64_t i);
  static Value of_float(double d);
  static Value of_str(std::string s);
  static Value external(std::string dotted);
  static Value of_api(ApiRef ref);
  static Value opaque(std::string origin);
  bool is_opaque() const { return kind == Kind::kOpaque; }
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kFloat; }
};

struct ListObj {
  std::vector<Value> items;
  std::string tainted;  // not empty: changed where the translation could not follow (why)
};

struct DictObj {
  std::vector<std::pair<Value, Value>> items;
  std::string tainted;
};

struct Scope;

struct FunctionObj {
  const pyscript::Stmt* def = nullptr;
  std::vector<std::optional<Value>> defaults;  // one per parameter
  Scope* closure = nullptr;                    // the enclosing function's scope, if any
};

struct ClassObj {
  std::string name;
  int line = 0;
  std::map<std::string, Value, std::less<>> attrs;
  std::vector<ClassObj*> bases;
};

struct InstanceObj {
  ClassObj* cls = nullptr;
  std::map<std::string, Value, std::less<>> attrs;
};

struct BoundObj {
  Value self;
  std::string name;  // "format", "append", ...
};

struct Scope {
  std::map<std::string, Value, std::less<>> vars;
  std::vector<std::string> globals;  // names declared `global` here
  Scope* parent = nullptr;           // enclosing function scope (closures); null: module
};

// Owns every heap object of one import run; bounded so that a hostile script cannot exhaust
// memory.
class Heap {
 public:
  static constexpr size_t kMaxObjects = 200'000;

  explicit Heap(std::string source) : source_(std::move(source)) {}

  Result<ListObj*> new_list(std::vector<Value> items = {});
  Result<DictObj*> new_dict();
  Result<FunctionObj*> new_function();
  Result<ClassObj*> new_class();
  Result<InstanceObj*> new_instance(ClassObj* cls);
  Result<BoundObj*> new_bound(Value self, std::string name);
  Result<Scope*> new_scope(Scope* parent);
  // Counts `bytes` of strings and list items against the run's budget (kMaxBytes).
  Status charge(size_t bytes);

  static constexpr size_t kMaxBytes = 64u << 20;

 private:
  Status count();
  std::string source_;  // names the script in the error
  size_t objects_ = 0;
  size_t bytes_ = 0;
  std::vector<std::unique_ptr<ListObj>> lists_;
  std::vector<std::unique_ptr<DictObj>> dicts_;
  std::vector<std::unique_ptr<FunctionObj>> functions_;
  std::vector<std::unique_ptr<ClassObj>> classes_;
  std::vector<std::unique_ptr<InstanceObj>> instances_;
  std::vector<std::unique_ptr<BoundObj>> bounds_;
  std::vector<std::unique_ptr<Scope>> scopes_;
};

// Largest string or list a script may build (Python would let it exhaust memory).
inline constexpr size_t kMaxStringBytes = 1u << 20;
inline constexpr size_t kMaxListItems = 100'000;

// Python's type() name: "int", "str", "DCNetwork", ...
std::string type_name(const Value& v);
// Python's str() and repr() of a known value (opaque values print their origin).
std::string py_str(const Value& v);
std::string py_repr(const Value& v);
// For error messages: "'dc1'", "an int (5)", "unknown until the script runs (time.time() at line
// 3)".
std::string describe(const Value& v);
// An unknown value standing for `v`: `v` itself when opaque, else opaque(describe(v)).
Value as_opaque(const Value& v);

// Truth value; nullopt for opaque values and tainted containers.
std::optional<bool> truth(const Value& v);
// Python ==; nullopt when either side (or a part of it) is opaque.
std::optional<bool> equal(const Value& a, const Value& b);

// Errors of these helpers are bare messages ("unsupported operand types for +: 'str' and 'int'");
// the evaluator adds the source and line.
Result<Value> binary_op(Heap& heap, std::string_view op, const Value& a, const Value& b);
Result<Value> compare_op(std::string_view op, const Value& a, const Value& b);
Result<Value> unary_op(std::string_view op, const Value& v);
// `format % args`.
Result<Value> percent_format(const std::string& format, const Value& args);
// `format.format(*positional, **keywords)`.
Result<Value> str_format(const std::string& format, const std::vector<Value>& positional,
                         const std::vector<std::pair<std::string, Value>>& keywords);

}  // namespace chainlab::emulator::sonemu
