# Runs at install time (`cmake --install`, and CPack staging the package): installs the
# systemd unit and the example settings where the prefix of this installation wants
# them, with the unit naming the installed binary and settings file. The prefix is only
# known now: `cmake --install --prefix` may differ from the configured one, and the
# package always uses /usr.
#
# Expects GATEWAY_BINDIR (CMAKE_INSTALL_BINDIR), GATEWAY_PACKAGING_DIR (the sources),
# GATEWAY_STAGED_UNIT (a scratch file in the build tree) and GATEWAY_PACKAGED_UNIT_DIR
# (systemd's directory for packaged units).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(gateway_sysconf_dir /etc)
  set(gateway_unit_dir ${GATEWAY_PACKAGED_UNIT_DIR})
else()
  set(gateway_sysconf_dir ${CMAKE_INSTALL_PREFIX}/etc)
  set(gateway_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()
set(GATEWAY_INSTALLED_BINARY ${CMAKE_INSTALL_PREFIX}/${GATEWAY_BINDIR}/gateway-api)
set(GATEWAY_ENVIRONMENT_FILE ${gateway_sysconf_dir}/default/gateway-api)
configure_file(${GATEWAY_PACKAGING_DIR}/gateway-api.service.in ${GATEWAY_STAGED_UNIT} @ONLY)

# file(INSTALL) is what install() rules run: it honours DESTDIR and the install manifest.
file(INSTALL ${GATEWAY_STAGED_UNIT} DESTINATION ${gateway_unit_dir})
file(INSTALL ${GATEWAY_PACKAGING_DIR}/gateway-api.default
     DESTINATION ${gateway_sysconf_dir}/default RENAME gateway-api)
