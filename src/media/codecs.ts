import {
  useAbsSendTime, useFIR, useH264, useNACK, useOPUS, usePLI, useREMB, useSdesMid, useVP8,
  type RTCRtpCodecParameters, type RTCRtpHeaderExtensionParameters,
} from 'werift';

/**
 * What Parley negotiates. VP8 first (every browser has it); H.264 for clients that offer only that. Video is
 * forwarded, never transcoded, so a subscriber only sees sources that publish the codec it negotiated.
 */
export function codecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  const fb = () => [useNACK(), usePLI(), useFIR(), useREMB()];
  return {
    audio: [useOPUS()],
    video: [useVP8({ rtcpFeedback: fb() }), useH264({ rtcpFeedback: fb() })],
  };
}

export function headerExtensions(): { audio: RTCRtpHeaderExtensionParameters[]; video: RTCRtpHeaderExtensionParameters[] } {
  return { audio: [useSdesMid()], video: [useSdesMid(), useAbsSendTime()] };
}
