# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 coroscope authors
#
# Our own .proto subsets (OTLP profiles, Perfetto) are kept at upstream's paths under a
# proto/ directory, so that protobuf_generate, which names outputs relative to the calling
# directory, writes generated/<upstream path>, the paths the imports use. Their generated
# code is compiled into the encoder's library; nothing generated is part of a public header.

# coroscope_proto_objects(<name> PROTOS <files>...): an OBJECT library of the generated C++.
function(coroscope_proto_objects name)
  cmake_parse_arguments(arg "" "" "PROTOS" ${ARGN})
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
  file(MAKE_DIRECTORY "${gen_dir}")
  add_library(${name} OBJECT)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  protobuf_generate(TARGET ${name} LANGUAGE cpp PROTOS ${arg_PROTOS} PROTOC_OUT_DIR "${gen_dir}")
  # protoc's output is not ours to warn about.
  target_compile_options(${name} PRIVATE -w)
  target_include_directories(${name} PUBLIC "${gen_dir}")
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf)
endfunction()

# coroscope_embed_proto_objects(<library> <objects>): compiles the objects into the library.
# Tests that decode the library's output add its COROSCOPE_GENERATED_DIR to their include path.
function(coroscope_embed_proto_objects library objects)
  target_sources(${library} PRIVATE $<TARGET_OBJECTS:${objects}>)
  add_dependencies(${library} ${objects})
  get_target_property(gen_dir ${objects} INTERFACE_INCLUDE_DIRECTORIES)
  set_target_properties(${library} PROPERTIES COROSCOPE_GENERATED_DIR "${gen_dir}")
  target_include_directories(${library} PRIVATE "${gen_dir}")
endfunction()
