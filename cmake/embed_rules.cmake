# Writes OUT: a C++ file holding every rules/*.yml as (file name, text) pairs, so the
# built-in rules travel inside the binary. Run by the build; not for hand use.
file(GLOB rule_files ${RULES_DIR}/*.yml)
list(SORT rule_files)
set(body "")
foreach(f ${rule_files})
  get_filename_component(name ${f} NAME)
  file(READ ${f} text)
  string(APPEND body "    {\"${name}\", R\"RGRULE(${text})RGRULE\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from rules/*.yml by cmake/embed_rules.cmake. Do not edit.\n#include \"sigma/builtin.h\"\n\nnamespace rg::sigma {\n\nconst std::vector<EmbeddedRule>& builtin_rule_files() {\n  static const std::vector<EmbeddedRule> files = {\n${body}  };\n  return files;\n}\n\n}  // namespace rg::sigma\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
