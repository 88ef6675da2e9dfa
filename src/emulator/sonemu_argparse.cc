// argparse in son-emu topology scripts (sonemu_eval.h): a script read as `python script.py` with
// no arguments would run it. An ArgumentParser records its options' defaults; parse_args()
// returns them (a warning lists them), so `port=args.port` is known; an option without a default
// (a positional argument, required=True) stays unknown.
#include <string>
#include <vector>

#include "emulator/sonemu_eval.h"

namespace chainlab::emulator::sonemu {

Result<Value> Interpreter::new_argument_parser(const CallArgs& args, int line) {
  (void)args;
  if (argparse_class_ == nullptr) {
    CL_ASSIGN_OR_RETURN(argparse_class_, heap_.new_class());
    argparse_class_->name = "ArgumentParser";
    argparse_class_->line = line;
    CL_ASSIGN_OR_RETURN(namespace_class_, heap_.new_class());
    namespace_class_->name = "Namespace";
    namespace_class_->line = line;
  }
  Value parser;
  parser.kind = Kind::kInstance;
  CL_ASSIGN_OR_RETURN(parser.inst, heap_.new_instance(argparse_class_));
  Value options;
  options.kind = Kind::kDict;
  CL_ASSIGN_OR_RETURN(options.dict, heap_.new_dict());
  parser.inst->attrs["_defaults"] = options;
  return parser;
}

Result<Value> Interpreter::argparse_method(const Value& self, const std::string& name,
                                           const CallArgs& args, int line) {
  Value defaults = self.inst->attrs["_defaults"];
  auto keyword = [&](std::string_view key) -> const Value* {
    for (const auto& [k, v] : args.keywords) {
      if (k == key) {
        return &v;
      }
    }
    return nullptr;
  };
  if (name == "add_argument") {
    std::string dest;
    bool positional = false;
    for (const Value& flag : args.positional) {
      if (flag.kind != Kind::kStr || flag.text.empty()) {
        return error(line, fmt::format("add_argument(): option names must be strings, not {}",
                                       describe(flag)));
      }
      std::string stripped = flag.text.substr(flag.text.find_first_not_of('-'));
      if (flag.text[0] != '-') {
        positional = true;
        dest = flag.text;
      } else if (flag.text.rfind("--", 0) == 0 || dest.empty()) {
        dest = stripped;
      }
    }
    for (char& c : dest) {
      c = c == '-' ? '_' : c;
    }
    if (const Value* d = keyword("dest"); d != nullptr && d->kind == Kind::kStr) {
      dest = d->text;
    }
    if (dest.empty()) {
      return error(line, "add_argument(): no option name");
    }
    const Value* action = keyword("action");
    const Value* required = keyword("required");
    Value value = Value::none();
    if (const Value* d = keyword("default")) {
      value = *d;
    } else if (action != nullptr && action->kind == Kind::kStr) {
      value = action->text == "store_true"    ? Value::of_bool(false)
              : action->text == "store_false" ? Value::of_bool(true)
                                              : Value::none();
    }
    if (positional || (required != nullptr && truth(*required).value_or(true))) {
      value = Value::opaque(fmt::format("the command-line argument '{}' (line {})", dest, line));
    }
    CL_RETURN_IF_ERROR(set_item(defaults, Value::of_str(dest), value, line));
    return Value::none();
  }
  if (name == "set_defaults") {
    for (const auto& [key, value] : args.keywords) {
      CL_RETURN_IF_ERROR(set_item(defaults, Value::of_str(key), value, line));
    }
    return Value::none();
  }
  if (name == "add_argument_group" || name == "add_mutually_exclusive_group") {
    return self;  // their options are the parser's
  }
  if (name == "parse_args" || name == "parse_known_args") {
    Value ns;
    ns.kind = Kind::kInstance;
    CL_ASSIGN_OR_RETURN(ns.inst, heap_.new_instance(namespace_class_));
    std::string shown;
    for (const auto& [key, value] : defaults.dict->items) {
      ns.inst->attrs[key.text] = value;
      shown += fmt::format("{}{}={}", shown.empty() ? "" : ", ", key.text,
                           value.is_opaque() ? "?" : py_repr(value));
    }
    model_.warn(line, fmt::format("{}(): translated as run without command-line arguments, with "
                                  "the options' defaults ({})",
                                  name, shown));
    if (name == "parse_args") {
      return ns;
    }
    Value pair;
    pair.kind = Kind::kTuple;
    Value rest;
    rest.kind = Kind::kList;
    CL_ASSIGN_OR_RETURN(rest.list, heap_.new_list());
    CL_ASSIGN_OR_RETURN(pair.list, heap_.new_list({ns, rest}));
    return pair;
  }
  return Value::opaque(fmt::format("ArgumentParser.{}() at line {}", name, line));
}

}  // namespace chainlab::emulator::sonemu
