# Compiles the gettext catalogues and embeds templates, static files, migrations and catalogues
# into the binary, so one `dime` file is the whole server.
find_program(MSGFMT msgfmt REQUIRED)

# One catalogue per locales/<lang>.po; src/i18n/i18n.cpp lists the languages offered.
file(GLOB DIME_PO_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/locales/*.po)
set(DIME_LANGUAGES "")
foreach(po IN LISTS DIME_PO_FILES)
  get_filename_component(lang ${po} NAME_WE)
  list(APPEND DIME_LANGUAGES ${lang})
endforeach()
set(DIME_MO_FILES "")
foreach(lang IN LISTS DIME_LANGUAGES)
  set(mo "${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES/dime.mo")
  add_custom_command(OUTPUT ${mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES"
    COMMAND ${MSGFMT} --check -o ${mo} "${CMAKE_SOURCE_DIR}/locales/${lang}.po"
    DEPENDS "${CMAKE_SOURCE_DIR}/locales/${lang}.po"
    COMMENT "msgfmt ${lang}.po"
    VERBATIM)
  list(APPEND DIME_MO_FILES ${mo})
endforeach()

file(GLOB_RECURSE DIME_TEMPLATE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/templates/*.mustache)
file(GLOB_RECURSE DIME_STATIC_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/static/*)
file(GLOB DIME_MIGRATION_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/storage/migrations/*.sql)
file(GLOB_RECURSE DIME_REFERENCE_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/reference/*.json)

set(DIME_RESOURCES_CPP "${CMAKE_BINARY_DIR}/generated/resources.cpp")
set(DIME_EMBED_LIST "")
foreach(f IN LISTS DIME_TEMPLATE_FILES DIME_STATIC_FILES DIME_MIGRATION_FILES DIME_REFERENCE_FILES)
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${f})
  string(REGEX REPLACE "^src/storage/" "" rel "${rel}")
  list(APPEND DIME_EMBED_LIST "${rel}=${f}")
endforeach()
# Front-end packages from npm (web/package.json; `npm ci --prefix web` installs them).
set(DIME_CHART_JS "${CMAKE_SOURCE_DIR}/web/node_modules/chart.js/dist/chart.umd.min.js")
if(NOT EXISTS "${DIME_CHART_JS}")
  message(FATAL_ERROR "Chart.js is missing: run `npm ci --prefix web` (scripts/run.sh and scripts/test.sh do)")
endif()
list(APPEND DIME_EMBED_LIST "static/chart.umd.min.js=${DIME_CHART_JS}")
foreach(lang IN LISTS DIME_LANGUAGES)
  list(APPEND DIME_EMBED_LIST "locale/${lang}/LC_MESSAGES/dime.mo=${CMAKE_BINARY_DIR}/locale/${lang}/LC_MESSAGES/dime.mo")
endforeach()
string(REPLACE ";" "|" DIME_EMBED_ARG "${DIME_EMBED_LIST}")

add_custom_command(OUTPUT ${DIME_RESOURCES_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${DIME_RESOURCES_CPP}" "-DFILES=${DIME_EMBED_ARG}"
          -P ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  DEPENDS ${DIME_TEMPLATE_FILES} ${DIME_STATIC_FILES} ${DIME_MIGRATION_FILES} ${DIME_MO_FILES}
          ${DIME_REFERENCE_FILES} ${DIME_CHART_JS}
          ${CMAKE_SOURCE_DIR}/cmake/embed.cmake
  COMMENT "Embedding resources"
  VERBATIM)
