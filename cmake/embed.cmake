# smp_embed(TARGET_VAR OUT_C SYMBOL_PREFIX FILES...): generates OUT_C holding every file as a byte array
# plus a lookup table, regenerated whenever a file changes. Used for shaders and the UI font so that an
# installed binary needs nothing beside it.
function(smp_embed out_c table_name)
    set(files ${ARGN})
    add_custom_command(
        OUTPUT ${out_c}
        COMMAND ${CMAKE_COMMAND} -DOUT=${out_c} -DTABLE=${table_name} "-DFILES=${files}"
                -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
        DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
        COMMENT "Embedding ${table_name}"
        VERBATIM)
endfunction()
