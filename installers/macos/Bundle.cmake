# macOS: rlfseg-studio as an application bundle (RLFSeg Studio.app) with Info.plist, packaged as
# a disk image by CPack (cpack -G DragNDrop). Built on macOS with the official LibTorch (CPU/MPS)
# and Qt 6; macdeployqt copies Qt into the bundle. See installers/README.md.
set_target_properties(rlfseg-studio PROPERTIES
    MACOSX_BUNDLE ON
    OUTPUT_NAME "RLFSeg Studio"
    MACOSX_BUNDLE_INFO_PLIST ${CMAKE_SOURCE_DIR}/installers/macos/Info.plist.in
    MACOSX_BUNDLE_GUI_IDENTIFIER io.github.rlfseg.Studio
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_ICON_FILE rlfseg-studio.icns)
# The model, samples and tokenizer inside the bundle: Contents/share/rlfseg is <exe>/../share/rlfseg
# for Contents/MacOS/RLFSeg Studio, where core/util/Paths.cpp looks first.
set(CPACK_GENERATOR DragNDrop)
set(CPACK_DMG_VOLUME_NAME "RLFSeg Studio")
