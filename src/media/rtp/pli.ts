import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RTCRtpReceiver, type RtcpPacket } from 'werift';

/**
 * Picture loss indications (RFC 4585) that also work with werift peers. werift routes an incoming PSFB packet
 * by its *sender* SSRC before its media SSRC, and a werift receiver stamps its own transceiver's sending SSRC as
 * the sender SSRC: on a sendrecv video m-line the PLI then lands on the far end's receiver, not on the sender
 * that owns the picture, and is lost. Browsers route by media SSRC, so this only bites werift clients.
 */

/** A sender SSRC no RTP stream of ours uses, so the far end can only route our PLI by its media SSRC. */
const PLI_SENDER_SSRC = 0;

/** Asks the publisher of `mediaSsrc` (received on `receiver`) for a keyframe. */
export async function sendPli(receiver: RTCRtpReceiver, mediaSsrc: number): Promise<void> {
  const pli = new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc: PLI_SENDER_SSRC, mediaSsrc }) });
  await receiver.dtlsTransport.sendRtcp([pli]);
}

/** A PLI for our stream `ssrc` that werift handed to the receiver of the same m-line instead of its sender. */
export function isMisroutedPli(packet: RtcpPacket, ssrc: number): boolean {
  if (packet.type !== RtcpPayloadSpecificFeedback.type) return false;
  const fb = (packet as RtcpPayloadSpecificFeedback).feedback;
  return fb.count === PictureLossIndication.count && (fb as PictureLossIndication).mediaSsrc === ssrc;
}
