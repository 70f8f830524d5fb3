# Installation and the Debian package. `cmake --install` puts the server, its systemd unit,
# the example settings, the manual page and the package documents in place; CPack's DEB
# generator packs the same install tree, with dependencies worked out by dpkg-shlibdeps.
# Only the server is installed: the test programs have no install rules.
include(GNUInstallDirs)

set(GATEWAY_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/packaging)
set(GATEWAY_GENERATED_PACKAGING_DIR ${CMAKE_BINARY_DIR}/packaging)

# systemd's directory for packaged units (/lib/systemd/system on Debian 12).
pkg_get_variable(GATEWAY_PACKAGED_UNIT_DIR systemd systemdsystemunitdir)
if(NOT GATEWAY_PACKAGED_UNIT_DIR)
  set(GATEWAY_PACKAGED_UNIT_DIR /lib/systemd/system)
endif()

# Debian wants the changelog and manual pages compressed, without a time stamp (-n) so
# that the package is reproducible.
find_program(GZIP_PROGRAM gzip REQUIRED)
file(MAKE_DIRECTORY ${GATEWAY_GENERATED_PACKAGING_DIR})
function(gateway_gzip_at_configure source compressed)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${source})
  execute_process(COMMAND ${GZIP_PROGRAM} -9 -n -c ${source}
                  OUTPUT_FILE ${compressed} COMMAND_ERROR_IS_FATAL ANY)
endfunction()
gateway_gzip_at_configure(${GATEWAY_PACKAGING_DIR}/changelog
                          ${GATEWAY_GENERATED_PACKAGING_DIR}/changelog.gz)
gateway_gzip_at_configure(${GATEWAY_PACKAGING_DIR}/gateway-api.1
                          ${GATEWAY_GENERATED_PACKAGING_DIR}/gateway-api.1.gz)

set(GATEWAY_DOC_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/gateway-api)
install(TARGETS gateway-api RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(CODE "
  set(GATEWAY_BINDIR [[${CMAKE_INSTALL_BINDIR}]])
  set(GATEWAY_PACKAGING_DIR [[${GATEWAY_PACKAGING_DIR}]])
  set(GATEWAY_STAGED_UNIT [[${GATEWAY_GENERATED_PACKAGING_DIR}/gateway-api.service]])
  set(GATEWAY_PACKAGED_UNIT_DIR [[${GATEWAY_PACKAGED_UNIT_DIR}]])")
install(SCRIPT ${GATEWAY_PACKAGING_DIR}/install-service-files.cmake)
install(FILES ${GATEWAY_GENERATED_PACKAGING_DIR}/gateway-api.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${GATEWAY_PACKAGING_DIR}/copyright ${GATEWAY_GENERATED_PACKAGING_DIR}/changelog.gz
        DESTINATION ${GATEWAY_DOC_DIR})

# The package. The settings file is a conffile (an edited one survives upgrades); the
# maintainer scripts only reload systemd, restart a running service on upgrade, stop it
# on removal and delete its data on purge: the dynamic user needs no account.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gateway-api)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The Gateway Management API authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "control plane of an API gateway (management HTTP API)")
set(CPACK_PACKAGE_DESCRIPTION
    "The Gateway Management API registers, changes and removes the APIs a gateway
publishes, over a JSON HTTP API. It keeps its data in PostgreSQL when one is
configured and reachable, and otherwise in memory, written through to a local
SQLite database. The package runs it as a hardened systemd service.")
# The package's layout whatever the build tree's prefix: /usr, with /etc and /lib. The
# unit and the settings file have absolute destinations, so the install is staged with
# DESTDIR, and the prefix it runs with is CPACK_INSTALL_PREFIX.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The same as in the changelog's entries.
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
    "Gateway Management API maintainers <maintainers@gateway-api.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The unit's ExecReload runs /bin/kill, which procps provides.
set(CPACK_DEBIAN_PACKAGE_DEPENDS procps)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${GATEWAY_PACKAGING_DIR}/conffiles
    ${GATEWAY_PACKAGING_DIR}/postinst
    ${GATEWAY_PACKAGING_DIR}/prerm
    ${GATEWAY_PACKAGING_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# `package_source` (which CPack adds too) packs the checkout without build trees, Git's
# data or installed Node packages.
set(CPACK_SOURCE_IGNORE_FILES "/\\.git(/|$)" "/build[^/]*/" "/\\.cache/" "/node_modules/")
include(CPack)
