# install.cmake: `cmake --install` and the .deb (CPack).
#
#   bin/hall-kiosk, bin/hall-controller
#   share/hall/assets/default       the default content pack (the kiosk unit's working
#                                   directory is share/hall, so "assets/default" finds it)
#   share/hall/config/               example configs (kiosk, controller, mosquitto + ACL)
#   lib/systemd/system/              hall-controller, hall-broker, hall-kiosk@ (paths below
#                                    rewritten to this prefix)
#   lib/sysusers.d/hall.conf         the dedicated user "hall"
include(GNUInstallDirs)

install(TARGETS hall-kiosk hall-controller RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/default DESTINATION ${CMAKE_INSTALL_DATADIR}/hall/assets)
install(FILES ${CMAKE_SOURCE_DIR}/config/kiosk.json ${CMAKE_SOURCE_DIR}/config/controller.json
              ${CMAKE_SOURCE_DIR}/config/mosquitto.conf ${CMAKE_SOURCE_DIR}/config/mosquitto.acl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hall/config)

# The units name /usr/local as the shipped examples do; the installed ones name the prefix
# they are installed under, which is known only at install time (CPack installs to /usr).
foreach(unit hall-controller.service hall-broker.service hall-kiosk@.service)
  install(CODE "
    file(READ \"${CMAKE_SOURCE_DIR}/config/systemd/${unit}\" text)
    string(REPLACE \"/usr/local/bin/\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/\" text \"\${text}\")
    string(REPLACE \"/usr/local/share/\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/\" text \"\${text}\")
    file(WRITE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/${unit}\" \"\${text}\")
    message(STATUS \"Installing: \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/${unit}\")
  ")
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/config/systemd/hall.sysusers DESTINATION lib/sysusers.d RENAME hall.conf)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME citizen-hall)
set(CPACK_PACKAGE_VERSION 0.9.0)
set(CPACK_PACKAGE_CONTACT "Seoul Citizen Hall IT <it@citizen-hall.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Citizen Hall exhibit kiosk and controller")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "mosquitto (>= 2.0), openssl, fonts-noto-cjk, libsdl2-2.0-0, libsdl2-ttf-2.0-0, libsdl2-image-2.0-0, libmosquitto1, libcjson1, libsqlite3-0, libsodium23, libmicrohttpd12, libsystemd0, libespeak-ng1, libicu72, libssl3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/config/debian/postinst)
include(CPack)
