# Windows: an NSIS installer through CPack (cpack -G NSIS), built on Windows with the official
# LibTorch (CUDA or CPU) and Qt 6 for MSVC; see installers/README.md. Not buildable on the Debian
# CI machine, so kept minimal.
set(CPACK_GENERATOR NSIS)
set(CPACK_NSIS_DISPLAY_NAME "RLFSeg Studio")
set(CPACK_NSIS_PACKAGE_NAME "RLFSeg Studio ${PROJECT_VERSION}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\rlfseg-studio.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON) # offers to put bin\ (rlfseg.exe) on PATH
set(CPACK_NSIS_CREATE_ICONS_EXTRA
    "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\RLFSeg Studio.lnk' '$INSTDIR\\\\bin\\\\rlfseg-studio.exe'")
set(CPACK_NSIS_DELETE_ICONS_EXTRA "Delete '$SMPROGRAMS\\\\$START_MENU\\\\RLFSeg Studio.lnk'")
# The DLLs of Qt (windeployqt), LibTorch (torch*.dll, c10*.dll, and with CUDA cudart/cublas/cudnn),
# OpenCV and QCustomPlot are installed next to the executables by the install step described in
# installers/README.md, so the installer carries them.
